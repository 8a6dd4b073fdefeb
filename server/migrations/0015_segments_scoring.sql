CREATE TABLE "order_days" (
	"customer_id" uuid NOT NULL,
	"day" date NOT NULL,
	"order_count" integer DEFAULT 0 NOT NULL,
	"amount" numeric(14, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "order_days_customer_id_day_pk" PRIMARY KEY("customer_id","day")
);
--> statement-breakpoint
CREATE TABLE "lifecycle_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "lifecycle_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"from_stage" text,
	"to_stage" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "scoring_settings" (
	"model" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "segment_member_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "segment_member_changes_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"segment_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"kind" text NOT NULL,
	CONSTRAINT "segment_member_changes_kind_check" CHECK ("segment_member_changes"."kind" in ('entered', 'exited'))
);
--> statement-breakpoint
CREATE TABLE "segment_members" (
	"segment_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"entered_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segment_members_segment_id_customer_id_pk" PRIMARY KEY("segment_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "segment_sizes" (
	"segment_id" uuid NOT NULL,
	"day" date NOT NULL,
	"size" integer NOT NULL,
	CONSTRAINT "segment_sizes_segment_id_day_pk" PRIMARY KEY("segment_id","day")
);
--> statement-breakpoint
CREATE TABLE "segments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"kind" text NOT NULL,
	"rule" jsonb,
	"member_count" integer DEFAULT 0 NOT NULL,
	"refreshed_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "segments_kind_check" CHECK ("segments"."kind" in ('dynamic', 'static'))
);
--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "rfm_recency_days" integer;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "rfm_frequency" integer;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "rfm_monetary" numeric(14, 2);--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "r_score" smallint;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "f_score" smallint;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "m_score" smallint;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "rfm_class" text;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "rfm_segment" text;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "abc_class" text;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "value_tier" text;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "grade" text;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "lifecycle_stage" text;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "lifecycle_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "customer_stats" ADD COLUMN "scored_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "segment_member_changes" ADD CONSTRAINT "segment_member_changes_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_members" ADD CONSTRAINT "segment_members_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "segment_sizes" ADD CONSTRAINT "segment_sizes_segment_id_segments_id_fk" FOREIGN KEY ("segment_id") REFERENCES "public"."segments"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "order_days_day_idx" ON "order_days" USING btree ("day","customer_id","order_count","amount");--> statement-breakpoint
CREATE INDEX "lifecycle_changes_customer_idx" ON "lifecycle_changes" USING btree ("customer_id","at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "lifecycle_changes_at_idx" ON "lifecycle_changes" USING btree ("at");--> statement-breakpoint
CREATE INDEX "segment_member_changes_segment_idx" ON "segment_member_changes" USING btree ("segment_id","at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "segment_member_changes_customer_idx" ON "segment_member_changes" USING btree ("customer_id","at" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "segment_members_customer_idx" ON "segment_members" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "customer_stats_rfm_idx" ON "customer_stats" USING btree ("r_score","f_score","m_score");--> statement-breakpoint
CREATE INDEX "customer_stats_rfm_class_idx" ON "customer_stats" USING btree ("rfm_class");--> statement-breakpoint
CREATE INDEX "customer_stats_rfm_segment_idx" ON "customer_stats" USING btree ("rfm_segment");--> statement-breakpoint
CREATE INDEX "customer_stats_abc_idx" ON "customer_stats" USING btree ("abc_class");--> statement-breakpoint
CREATE INDEX "customer_stats_value_tier_idx" ON "customer_stats" USING btree ("value_tier");--> statement-breakpoint
CREATE INDEX "customer_stats_grade_idx" ON "customer_stats" USING btree ("grade");--> statement-breakpoint
CREATE INDEX "customer_stats_lifecycle_idx" ON "customer_stats" USING btree ("lifecycle_stage");