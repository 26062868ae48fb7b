-- CreateTable
CREATE TABLE "SkuMapping" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "marketplaceSku" TEXT NOT NULL,
    "variantGid" TEXT,
    "inventoryItemGid" TEXT,
    "shopifySku" TEXT,
    "barcode" TEXT,
    "matchMethod" TEXT NOT NULL DEFAULT 'none',
    "bufferOverride" INTEGER,
    "marketplaceKnown" BOOLEAN NOT NULL DEFAULT true,
    "alternateSkus" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "title" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SkuMapping_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockSettings" (
    "shop" TEXT NOT NULL,
    "publishedLocationIds" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "globalBuffer" INTEGER NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "StockSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "StockDirtyItem" (
    "shop" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "dirtiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StockDirtyItem_pkey" PRIMARY KEY ("shop","inventoryItemGid")
);

-- CreateTable
CREATE TABLE "PublishedStock" (
    "shop" TEXT NOT NULL,
    "marketplaceSku" TEXT NOT NULL,
    "inventoryItemGid" TEXT NOT NULL,
    "desiredQuantity" INTEGER,
    "desiredSourceAt" TIMESTAMP(3),
    "desiredReadAt" TIMESTAMP(3),
    "desiredChangedAt" TIMESTAMP(3),
    "shownQuantity" INTEGER,
    "lastPushedQuantity" INTEGER,
    "lastPushedAt" TIMESTAMP(3),
    "claimedUntil" TIMESTAMP(3),
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3),
    "lastError" TEXT,
    "blocked" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "PublishedStock_pkey" PRIMARY KEY ("shop","marketplaceSku")
);

-- CreateTable
CREATE TABLE "StockDiscrepancy" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "marketplaceSku" TEXT NOT NULL,
    "runId" TEXT,
    "expectedQuantity" INTEGER NOT NULL,
    "marketplaceQuantity" INTEGER NOT NULL,
    "detectedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "resolvedAt" TIMESTAMP(3),

    CONSTRAINT "StockDiscrepancy_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockReconciliationRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),
    "checked" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER,
    "discrepancies" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,

    CONSTRAINT "StockReconciliationRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StockPushSample" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "marketplaceSku" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "latencyMs" INTEGER NOT NULL,
    "ok" BOOLEAN NOT NULL,

    CONSTRAINT "StockPushSample_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SkuMapping_shop_inventoryItemGid_idx" ON "SkuMapping"("shop", "inventoryItemGid");

-- CreateIndex
CREATE INDEX "SkuMapping_shop_variantGid_idx" ON "SkuMapping"("shop", "variantGid");

-- CreateIndex
CREATE UNIQUE INDEX "SkuMapping_shop_marketplaceSku_key" ON "SkuMapping"("shop", "marketplaceSku");

-- CreateIndex
CREATE INDEX "PublishedStock_shop_inventoryItemGid_idx" ON "PublishedStock"("shop", "inventoryItemGid");

-- CreateIndex
CREATE INDEX "StockDiscrepancy_shop_resolvedAt_idx" ON "StockDiscrepancy"("shop", "resolvedAt");

-- CreateIndex
CREATE INDEX "StockDiscrepancy_shop_marketplaceSku_idx" ON "StockDiscrepancy"("shop", "marketplaceSku");

-- CreateIndex
CREATE INDEX "StockReconciliationRun_shop_startedAt_idx" ON "StockReconciliationRun"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "StockPushSample_shop_at_idx" ON "StockPushSample"("shop", "at");

