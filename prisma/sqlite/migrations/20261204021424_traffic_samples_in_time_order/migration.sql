-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Session" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "userId" TEXT NOT NULL,
    "serverId" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "stateReason" TEXT,
    "tokenHash" TEXT,
    "externalSessionId" TEXT,
    "clientIp" TEXT NOT NULL,
    "authenticatedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastAuthAt" DATETIME,
    "lastAuthServerId" TEXT,
    "lastAuthEndpoint" TEXT,
    "lastSeenAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "dormantSince" DATETIME,
    "idleExpiresAt" DATETIME,
    "expiresAt" DATETIME,
    "endedAt" DATETIME,
    CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "VpnUser" ("id") ON DELETE CASCADE ON UPDATE CASCADE,
    CONSTRAINT "Session_serverId_fkey" FOREIGN KEY ("serverId") REFERENCES "VpnServer" ("id") ON DELETE SET NULL ON UPDATE CASCADE
);
INSERT INTO "new_Session" ("authenticatedAt", "clientIp", "dormantSince", "endedAt", "expiresAt", "externalSessionId", "id", "idleExpiresAt", "lastAuthAt", "lastAuthEndpoint", "lastAuthServerId", "lastSeenAt", "serverId", "state", "stateReason", "tokenHash", "userId") SELECT "authenticatedAt", "clientIp", "dormantSince", "endedAt", "expiresAt", "externalSessionId", "id", "idleExpiresAt", "lastAuthAt", "lastAuthEndpoint", "lastAuthServerId", "lastSeenAt", "serverId", "state", "stateReason", "tokenHash", "userId" FROM "Session";
DROP TABLE "Session";
ALTER TABLE "new_Session" RENAME TO "Session";
CREATE UNIQUE INDEX "Session_tokenHash_key" ON "Session"("tokenHash");
CREATE INDEX "Session_userId_state_idx" ON "Session"("userId", "state");
CREATE INDEX "Session_state_idx" ON "Session"("state");
CREATE INDEX "Session_serverId_externalSessionId_idx" ON "Session"("serverId", "externalSessionId");
CREATE INDEX "Session_idleExpiresAt_idx" ON "Session"("idleExpiresAt");
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");
CREATE TABLE "new_TrafficSample" (
    "resolution" INTEGER NOT NULL,
    "at" DATETIME NOT NULL,
    "connectionId" TEXT NOT NULL,
    "bytesIn" BIGINT NOT NULL,
    "bytesOut" BIGINT NOT NULL,

    PRIMARY KEY ("resolution", "at", "connectionId")
);
INSERT INTO "new_TrafficSample" ("at", "bytesIn", "bytesOut", "connectionId", "resolution") SELECT "at", "bytesIn", "bytesOut", "connectionId", "resolution" FROM "TrafficSample";
DROP TABLE "TrafficSample";
ALTER TABLE "new_TrafficSample" RENAME TO "TrafficSample";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

