-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Connection" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "sessionId" TEXT NOT NULL,
    "serverId" TEXT NOT NULL,
    "externalId" TEXT,
    "clientIp" TEXT NOT NULL,
    "vpnIp" TEXT,
    "connectedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "disconnectedAt" DATETIME,
    "endReason" TEXT,
    "bytesIn" BIGINT NOT NULL DEFAULT 0,
    "bytesOut" BIGINT NOT NULL DEFAULT 0,
    "counterIn" BIGINT NOT NULL DEFAULT 0,
    "counterOut" BIGINT NOT NULL DEFAULT 0,
    "countersAt" DATETIME,
    CONSTRAINT "Connection_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Connection_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "VpnServer" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO "new_Connection" ("bytesIn", "bytesOut", "clientIp", "connectedAt", "countersAt", "disconnectedAt", "endReason", "externalId", "id", "serverId", "sessionId", "vpnIp") SELECT "bytesIn", "bytesOut", "clientIp", "connectedAt", "countersAt", "disconnectedAt", "endReason", "externalId", "id", "serverId", "sessionId", "vpnIp" FROM "Connection";
DROP TABLE "Connection";
ALTER TABLE "new_Connection" RENAME TO "Connection";
CREATE INDEX "Connection_serverId_externalId_idx" ON "Connection"("serverId", "externalId");
CREATE INDEX "Connection_sessionId_idx" ON "Connection"("sessionId");
CREATE INDEX "Connection_disconnectedAt_idx" ON "Connection"("disconnectedAt");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

