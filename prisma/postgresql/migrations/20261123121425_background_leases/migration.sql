-- CreateTable
CREATE TABLE "BackgroundLease" (
    "job" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "BackgroundLease_pkey" PRIMARY KEY ("job")
);

