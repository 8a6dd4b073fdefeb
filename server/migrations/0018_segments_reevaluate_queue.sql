CREATE TABLE "segment_reevaluate_queue" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL
);
