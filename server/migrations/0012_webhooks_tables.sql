CREATE TABLE "webhook_connections" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"shop_domain" text,
	"source" text NOT NULL,
	"secret_enc" text NOT NULL,
	"touchpoint_id" uuid,
	"rejected_count" integer DEFAULT 0 NOT NULL,
	"last_rejected_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_connections_source_unique" UNIQUE("source"),
	CONSTRAINT "webhook_connections_kind_check" CHECK ("webhook_connections"."kind" in ('shopify', 'generic'))
);
--> statement-breakpoint
CREATE TABLE "webhook_deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"connection_id" uuid NOT NULL,
	"webhook_id" text NOT NULL,
	"topic" text NOT NULL,
	"outcome" text NOT NULL,
	"detail" jsonb,
	"external_ref" text,
	"customer_id" uuid,
	"order_id" uuid,
	"attempts" integer DEFAULT 1 NOT NULL,
	"replays" integer DEFAULT 0 NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"last_received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "webhook_deliveries_outcome_check" CHECK ("webhook_deliveries"."outcome" in ('processed', 'duplicate', 'ignored', 'failed'))
);
--> statement-breakpoint
CREATE TABLE "webhook_refunds" (
	"source" text NOT NULL,
	"refund_id" text NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(14, 2) NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "webhook_refunds_source_refund_id_pk" PRIMARY KEY("source","refund_id")
);
--> statement-breakpoint
ALTER TABLE "webhook_connections" ADD CONSTRAINT "webhook_connections_touchpoint_id_touchpoints_id_fk" FOREIGN KEY ("touchpoint_id") REFERENCES "public"."touchpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_deliveries" ADD CONSTRAINT "webhook_deliveries_connection_id_webhook_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."webhook_connections"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_deliveries_webhook_key" ON "webhook_deliveries" USING btree ("connection_id","webhook_id");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_log_idx" ON "webhook_deliveries" USING btree ("connection_id","received_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "webhook_deliveries_customer_idx" ON "webhook_deliveries" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "webhook_refunds_customer_idx" ON "webhook_refunds" USING btree ("customer_id");