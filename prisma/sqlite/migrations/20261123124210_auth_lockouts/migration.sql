-- CreateTable
CREATE TABLE "AuthLockout" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStart" DATETIME NOT NULL,
    "lastFailureAt" DATETIME NOT NULL,
    "blockedUntil" DATETIME,
    "lockedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthLockout_key_key" ON "AuthLockout"("key");

-- CreateIndex
CREATE INDEX "AuthLockout_lastFailureAt_idx" ON "AuthLockout"("lastFailureAt");

-- CreateIndex
CREATE INDEX "AuthLockout_blockedUntil_idx" ON "AuthLockout"("blockedUntil");

