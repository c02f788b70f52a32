-- CreateTable
CREATE TABLE "AuthLockout" (
    "id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStart" TIMESTAMP(3) NOT NULL,
    "lastFailureAt" TIMESTAMP(3) NOT NULL,
    "blockedUntil" TIMESTAMP(3),
    "lockedAt" TIMESTAMP(3),

    CONSTRAINT "AuthLockout_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AuthLockout_key_key" ON "AuthLockout"("key");

-- CreateIndex
CREATE INDEX "AuthLockout_lastFailureAt_idx" ON "AuthLockout"("lastFailureAt");

-- CreateIndex
CREATE INDEX "AuthLockout_blockedUntil_idx" ON "AuthLockout"("blockedUntil");

