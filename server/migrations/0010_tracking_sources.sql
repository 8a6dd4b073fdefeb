CREATE TABLE "form_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"form_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"status" text NOT NULL,
	"outcome" text NOT NULL,
	"answers_enc" text NOT NULL,
	"consents" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"locale" text NOT NULL,
	"ip_hash" text,
	"user_agent" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"confirmed_at" timestamp with time zone,
	CONSTRAINT "form_submissions_status_check" CHECK ("form_submissions"."status" in ('received', 'pending', 'confirmed'))
);
--> statement-breakpoint
CREATE TABLE "forms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"language" text DEFAULT 'zh-CN' NOT NULL,
	"definition" jsonb NOT NULL,
	"double_opt_in" boolean DEFAULT false NOT NULL,
	"touchpoint_id" uuid,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"submission_count" integer DEFAULT 0 NOT NULL,
	"confirmed_count" integer DEFAULT 0 NOT NULL,
	"blocked_count" integer DEFAULT 0 NOT NULL,
	"last_submission_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"published_at" timestamp with time zone,
	CONSTRAINT "forms_slug_unique" UNIQUE("slug"),
	CONSTRAINT "forms_status_check" CHECK ("forms"."status" in ('draft', 'published', 'closed')),
	CONSTRAINT "forms_language_check" CHECK ("forms"."language" in ('zh-CN', 'en'))
);
--> statement-breakpoint
CREATE TABLE "anonymous_profiles" (
	"anonymous_id" text PRIMARY KEY NOT NULL,
	"customer_id" uuid,
	"user_id" text,
	"first_source_id" uuid,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"event_count" bigint DEFAULT 0 NOT NULL,
	"traits" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"stitched_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "event_message_ids" (
	"source_id" uuid NOT NULL,
	"message_id" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	CONSTRAINT "event_message_ids_source_id_message_id_pk" PRIMARY KEY("source_id","message_id")
);
--> statement-breakpoint
CREATE TABLE "tracking_refusals" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "tracking_refusals_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"source_id" uuid NOT NULL,
	"received_at" timestamp with time zone NOT NULL,
	"type" text,
	"message_id" text,
	"event" text,
	"field" text,
	"reason" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "tracking_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"trait_mapping" jsonb NOT NULL,
	"on_match" text DEFAULT 'fillEmpty' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracking_settings_single" CHECK ("tracking_settings"."id" = 1),
	CONSTRAINT "tracking_settings_on_match_check" CHECK ("tracking_settings"."on_match" in ('skip', 'fillEmpty', 'overwrite'))
);
--> statement-breakpoint
CREATE TABLE "tracking_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"touchpoint_id" uuid,
	"rate_limit" integer DEFAULT 20000 NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tracking_sources_type_check" CHECK ("tracking_sources"."type" in ('website', 'app', 'miniprogram', 'server')),
	CONSTRAINT "tracking_sources_status_check" CHECK ("tracking_sources"."status" in ('active', 'disabled'))
);
--> statement-breakpoint
CREATE TABLE "tracking_visits" (
	"customer_id" uuid NOT NULL,
	"source_id" uuid NOT NULL,
	"day" date NOT NULL,
	CONSTRAINT "tracking_visits_customer_id_day_source_id_pk" PRIMARY KEY("customer_id","day","source_id")
);
--> statement-breakpoint
CREATE TABLE "tracking_write_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"source_id" uuid NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "tracking_write_keys_prefix_unique" UNIQUE("prefix")
);
--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_form_id_forms_id_fk" FOREIGN KEY ("form_id") REFERENCES "public"."forms"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "form_submissions" ADD CONSTRAINT "form_submissions_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_refusals" ADD CONSTRAINT "tracking_refusals_source_id_tracking_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."tracking_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_sources" ADD CONSTRAINT "tracking_sources_touchpoint_id_touchpoints_id_fk" FOREIGN KEY ("touchpoint_id") REFERENCES "public"."touchpoints"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tracking_write_keys" ADD CONSTRAINT "tracking_write_keys_source_id_tracking_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."tracking_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "form_submissions_form_idx" ON "form_submissions" USING btree ("form_id","created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "form_submissions_customer_idx" ON "form_submissions" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "forms_created_idx" ON "forms" USING btree ("created_at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "anonymous_profiles_customer_idx" ON "anonymous_profiles" USING btree ("customer_id");--> statement-breakpoint
CREATE INDEX "event_message_ids_received_idx" ON "event_message_ids" USING btree ("received_at");--> statement-breakpoint
CREATE INDEX "tracking_refusals_source_idx" ON "tracking_refusals" USING btree ("source_id","received_at");--> statement-breakpoint
CREATE INDEX "tracking_write_keys_source_idx" ON "tracking_write_keys" USING btree ("source_id");