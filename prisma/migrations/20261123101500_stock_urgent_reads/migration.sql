-- AlterTable
ALTER TABLE "SkuMapping" ADD COLUMN     "lastSeenAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "StockDirtyItem" ADD COLUMN     "urgent" BOOLEAN NOT NULL DEFAULT false;

