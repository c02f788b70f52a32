-- DropForeignKey
ALTER TABLE "TrafficSample" DROP CONSTRAINT "TrafficSample_connectionId_fkey";

-- DropIndex
DROP INDEX "TrafficSample_at_idx";

-- DropIndex
DROP INDEX "TrafficSample_connectionId_resolution_at_key";

-- AlterTable
ALTER TABLE "Session" DROP COLUMN "bytesIn",
DROP COLUMN "bytesOut";

-- AlterTable
ALTER TABLE "TrafficSample" DROP CONSTRAINT "TrafficSample_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "TrafficSample_pkey" PRIMARY KEY ("resolution", "at", "connectionId");


-- Traffic reports rewrite a live connection's counters every few seconds: leaving a third of each
-- page free lets PostgreSQL update the row in place (a HOT update) instead of adding an entry to
-- every index of the table. Pages written from now on keep the room.
ALTER TABLE "Connection" SET (fillfactor = 70);
