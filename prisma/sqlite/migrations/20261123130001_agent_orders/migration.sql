-- CreateTable
CREATE TABLE "AgentOrder" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "serverId" TEXT NOT NULL,
    "connectionId" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "result" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" DATETIME,
    "completedAt" DATETIME,
    CONSTRAINT "AgentOrder_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "VpnServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "AgentOrder_connectionId_fkey" FOREIGN KEY ("connectionId") REFERENCES "Connection" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

-- CreateIndex
CREATE INDEX "AgentOrder_serverId_state_idx" ON "AgentOrder"("serverId", "state");

-- CreateIndex
CREATE INDEX "AgentOrder_connectionId_idx" ON "AgentOrder"("connectionId");

