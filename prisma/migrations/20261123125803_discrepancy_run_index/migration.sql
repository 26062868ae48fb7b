-- CreateIndex
CREATE INDEX "StockDiscrepancy_runId_idx" ON "StockDiscrepancy"("runId");
