-- CreateTable
CREATE TABLE "OrderRecord" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "marketplaceId" TEXT NOT NULL,
    "marketplaceOrderId" TEXT NOT NULL,
    "reference" TEXT NOT NULL,
    "orderedAt" TIMESTAMP(3) NOT NULL,
    "acknowledgeBy" TIMESTAMP(3) NOT NULL,
    "currency" TEXT NOT NULL,
    "totalMinor" INTEGER,
    "lineCount" INTEGER NOT NULL,
    "snapshot" JSONB NOT NULL,
    "marketplaceStatus" TEXT NOT NULL,
    "step" TEXT NOT NULL DEFAULT 'imported',
    "needsAttention" BOOLEAN NOT NULL DEFAULT false,
    "createAttemptedAt" TIMESTAMP(3),
    "createAttempts" INTEGER NOT NULL DEFAULT 0,
    "shopifyOrderGid" TEXT,
    "shopifyOrderName" TEXT,
    "createdInShopifyAt" TIMESTAMP(3),
    "shopifyOutcome" TEXT,
    "lineMap" JSONB,
    "forceCreate" BOOLEAN NOT NULL DEFAULT false,
    "ackAttemptedAt" TIMESTAMP(3),
    "ackAttempts" INTEGER NOT NULL DEFAULT 0,
    "acknowledgement" TEXT,
    "acknowledgedAt" TIMESTAMP(3),
    "promisedDispatchDate" TEXT,
    "promisedDeliveryDate" TEXT,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderRecord_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderException" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "lineId" TEXT,
    "sku" TEXT,
    "message" TEXT NOT NULL,
    "fixActions" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),
    "resolution" TEXT,

    CONSTRAINT "OrderException_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderActivity" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "orderId" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "target" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "outcome" TEXT NOT NULL,
    "detail" TEXT,
    "durationMs" INTEGER,

    CONSTRAINT "OrderActivity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "OrderPollState" (
    "shop" TEXT NOT NULL,
    "lastPollAt" TIMESTAMP(3),
    "lastOutcome" TEXT,
    "lastError" TEXT,
    "lastFound" INTEGER NOT NULL DEFAULT 0,
    "lastNew" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "OrderPollState_pkey" PRIMARY KEY ("shop")
);

-- CreateIndex
CREATE INDEX "OrderRecord_shop_step_acknowledgeBy_idx" ON "OrderRecord"("shop", "step", "acknowledgeBy");

-- CreateIndex
CREATE INDEX "OrderRecord_shop_needsAttention_idx" ON "OrderRecord"("shop", "needsAttention");

-- CreateIndex
CREATE INDEX "OrderRecord_shop_shopifyOrderGid_idx" ON "OrderRecord"("shop", "shopifyOrderGid");

-- CreateIndex
CREATE UNIQUE INDEX "OrderRecord_shop_marketplaceId_marketplaceOrderId_key" ON "OrderRecord"("shop", "marketplaceId", "marketplaceOrderId");

-- CreateIndex
CREATE INDEX "OrderException_shop_resolvedAt_idx" ON "OrderException"("shop", "resolvedAt");

-- CreateIndex
CREATE INDEX "OrderException_orderId_idx" ON "OrderException"("orderId");

-- CreateIndex
CREATE INDEX "OrderActivity_shop_orderId_at_idx" ON "OrderActivity"("shop", "orderId", "at");

-- AddForeignKey
ALTER TABLE "OrderException" ADD CONSTRAINT "OrderException_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "OrderRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "OrderActivity" ADD CONSTRAINT "OrderActivity_orderId_fkey" FOREIGN KEY ("orderId") REFERENCES "OrderRecord"("id") ON DELETE CASCADE ON UPDATE CASCADE;
