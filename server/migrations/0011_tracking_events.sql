-- Tracking events (Segment-compatible API), partitioned by month on the event's time so that a
-- month can be detached and archived, and a query for "the last D days" reads only the months
-- it needs. Monthly partitions are created ahead by the tracking module at start-up and daily
-- (tracking.partitions); anything outside them (historical imports, clocks far off) lands in
-- the default partition. Hand-written: drizzle cannot express partitioning, so this table is
-- not in tracking.tables.ts. Runs unchanged on PGlite and on PostgreSQL 15+.
CREATE SEQUENCE "events_id_seq";
--> statement-breakpoint
CREATE TABLE "events" (
	"id" bigint NOT NULL DEFAULT nextval('events_id_seq'),
	"source_id" uuid NOT NULL,
	"customer_id" uuid,
	"anonymous_id" text,
	"user_id" text,
	"type" text NOT NULL,
	"event" text,
	"url" text,
	"properties" jsonb NOT NULL DEFAULT '{}'::jsonb,
	"context" jsonb NOT NULL DEFAULT '{}'::jsonb,
	"timestamp" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"message_id" text NOT NULL,
	CONSTRAINT "events_type_check" CHECK ("type" in ('identify', 'track', 'page', 'screen', 'group', 'alias')),
	CONSTRAINT "events_who_check" CHECK ("customer_id" IS NOT NULL OR "anonymous_id" IS NOT NULL OR "user_id" IS NOT NULL)
) PARTITION BY RANGE ("timestamp");
--> statement-breakpoint
ALTER SEQUENCE "events_id_seq" OWNED BY "events"."id";
--> statement-breakpoint
CREATE TABLE "events_default" PARTITION OF "events" DEFAULT;
--> statement-breakpoint
-- "customer X did event Y N times in the last D days" (segments), and a customer's events
CREATE INDEX "events_customer_event_idx" ON "events" USING btree ("customer_id", "event", "timestamp") WHERE "customer_id" IS NOT NULL;
--> statement-breakpoint
-- stitching: the events of a device not yet tied to a customer (small: stitched rows leave it)
CREATE INDEX "events_anonymous_idx" ON "events" USING btree ("anonymous_id") WHERE "customer_id" IS NULL;
--> statement-breakpoint
-- the live debugger: a source's latest events
CREATE INDEX "events_source_received_idx" ON "events" USING btree ("source_id", "received_at");
--> statement-breakpoint
-- "visited a page whose URL contains …"
CREATE INDEX "events_url_trgm_idx" ON "events" USING gin ("url" gin_trgm_ops) WHERE "url" IS NOT NULL;
