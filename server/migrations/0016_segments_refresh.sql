ALTER TABLE "segments" ADD COLUMN "refresh_status" text;--> statement-breakpoint
ALTER TABLE "segments" ADD COLUMN "refresh_progress" real;