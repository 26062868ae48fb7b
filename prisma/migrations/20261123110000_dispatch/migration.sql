-- CreateTable
CREATE TABLE "CarrierMapping" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "shopifyCarrier" TEXT NOT NULL,
    "displayName" TEXT NOT NULL,
    "carrierCode" TEXT NOT NULL,
    "carrierName" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "CarrierMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dispatch" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "fulfillmentGid" TEXT NOT NULL,
    "shopifyOrderGid" TEXT NOT NULL,
    "marketplaceOrderId" TEXT NOT NULL,
    "marketplaceOrderRef" TEXT,
    "lines" JSONB NOT NULL,
    "carrierName" TEXT,
    "carrierKey" TEXT,
    "trackingNumber" TEXT,
    "trackingUrl" TEXT,
    "fulfilledAt" TIMESTAMP(3) NOT NULL,
    "status" TEXT NOT NULL,
    "lastError" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "sentAt" TIMESTAMP(3),
    "sentCarrierCode" TEXT,
    "sentTrackingNumber" TEXT,
    "stuckSince" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Dispatch_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Cancellation" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "initiatedBy" TEXT NOT NULL,
    "stage" TEXT NOT NULL,
    "marketplaceOrderId" TEXT NOT NULL,
    "shopifyOrderGid" TEXT,
    "lines" JSONB NOT NULL,
    "status" TEXT NOT NULL,
    "shopifyRefundGid" TEXT,
    "lastError" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Cancellation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MerchantTask" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "sourceKey" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "marketplaceOrderId" TEXT NOT NULL,
    "marketplaceOrderRef" TEXT,
    "title" TEXT NOT NULL,
    "instructions" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "MerchantTask_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "CarrierMapping_shop_shopifyCarrier_key" ON "CarrierMapping"("shop", "shopifyCarrier");

-- CreateIndex
CREATE INDEX "Dispatch_shop_status_idx" ON "Dispatch"("shop", "status");

-- CreateIndex
CREATE INDEX "Dispatch_shop_marketplaceOrderId_idx" ON "Dispatch"("shop", "marketplaceOrderId");

-- CreateIndex
CREATE INDEX "Dispatch_shop_shopifyOrderGid_idx" ON "Dispatch"("shop", "shopifyOrderGid");

-- CreateIndex
CREATE UNIQUE INDEX "Dispatch_shop_fulfillmentGid_key" ON "Dispatch"("shop", "fulfillmentGid");

-- CreateIndex
CREATE INDEX "Cancellation_shop_status_idx" ON "Cancellation"("shop", "status");

-- CreateIndex
CREATE INDEX "Cancellation_shop_marketplaceOrderId_idx" ON "Cancellation"("shop", "marketplaceOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "Cancellation_shop_sourceKey_key" ON "Cancellation"("shop", "sourceKey");

-- CreateIndex
CREATE INDEX "MerchantTask_shop_doneAt_idx" ON "MerchantTask"("shop", "doneAt");

-- CreateIndex
CREATE INDEX "MerchantTask_shop_marketplaceOrderId_idx" ON "MerchantTask"("shop", "marketplaceOrderId");

-- CreateIndex
CREATE UNIQUE INDEX "MerchantTask_shop_sourceKey_key" ON "MerchantTask"("shop", "sourceKey");
