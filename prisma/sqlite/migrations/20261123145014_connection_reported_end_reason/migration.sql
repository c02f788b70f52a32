-- AlterTable
ALTER TABLE "Connection" ADD COLUMN "reportedEndReason" TEXT;

