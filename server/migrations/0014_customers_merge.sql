CREATE TABLE "customer_aliases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_id" uuid NOT NULL,
	"field" text NOT NULL,
	"lookup" text NOT NULL,
	"value_enc" text NOT NULL,
	"merge_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_aliases_field_check" CHECK ("customer_aliases"."field" in ('mobile', 'email', 'wechatOpenId', 'wechatUnionId', 'idNumber', 'externalId'))
);
--> statement-breakpoint
CREATE TABLE "customer_duplicate_queue" (
	"customer_id" uuid PRIMARY KEY NOT NULL,
	"queued_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "customer_duplicates" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"customer_a" uuid NOT NULL,
	"customer_b" uuid NOT NULL,
	"rules" text[] NOT NULL,
	"score" integer NOT NULL,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'open' NOT NULL,
	"fingerprint" text,
	"auto_refusal" text,
	"detected_at" timestamp with time zone NOT NULL,
	"seen_at" timestamp with time zone NOT NULL,
	"decided_at" timestamp with time zone,
	"decided_by" uuid,
	"merge_id" uuid,
	CONSTRAINT "customer_duplicates_order_check" CHECK ("customer_duplicates"."customer_a" < "customer_duplicates"."customer_b"),
	CONSTRAINT "customer_duplicates_status_check" CHECK ("customer_duplicates"."status" in ('open', 'merged', 'dismissed'))
);
--> statement-breakpoint
CREATE TABLE "customer_merge_moves" (
	"merge_id" uuid NOT NULL,
	"dependent" text NOT NULL,
	"chunk" integer NOT NULL,
	"row_ids" text[] NOT NULL,
	CONSTRAINT "customer_merge_moves_merge_id_dependent_chunk_pk" PRIMARY KEY("merge_id","dependent","chunk")
);
--> statement-breakpoint
CREATE TABLE "customer_merge_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"auto_rules" jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_merge_settings_single" CHECK ("customer_merge_settings"."id" = 1)
);
--> statement-breakpoint
CREATE TABLE "customer_merges" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"survivor_id" uuid NOT NULL,
	"merged_id" uuid NOT NULL,
	"merged_name" text NOT NULL,
	"merged_row" jsonb NOT NULL,
	"merged_stats" jsonb,
	"survivor_before" jsonb NOT NULL,
	"survivor_after" jsonb NOT NULL,
	"fields" jsonb NOT NULL,
	"tags_added" text[] DEFAULT '{}'::text[] NOT NULL,
	"moved" jsonb NOT NULL,
	"extras" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"auto_rule" text,
	"merged_by" uuid,
	"merged_at" timestamp with time zone NOT NULL,
	"undone_at" timestamp with time zone,
	"undone_by" uuid
);
--> statement-breakpoint
CREATE TABLE "customer_verified_identifiers" (
	"customer_id" uuid NOT NULL,
	"field" text NOT NULL,
	"lookup" text NOT NULL,
	"source" text NOT NULL,
	"verified_at" timestamp with time zone NOT NULL,
	CONSTRAINT "customer_verified_identifiers_customer_id_field_lookup_pk" PRIMARY KEY("customer_id","field","lookup"),
	CONSTRAINT "customer_verified_identifiers_field_check" CHECK ("customer_verified_identifiers"."field" in ('mobile', 'email'))
);
--> statement-breakpoint
ALTER TABLE "customer_aliases" ADD CONSTRAINT "customer_aliases_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_merge_moves" ADD CONSTRAINT "customer_merge_moves_merge_id_customer_merges_id_fk" FOREIGN KEY ("merge_id") REFERENCES "public"."customer_merges"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_verified_identifiers" ADD CONSTRAINT "customer_verified_identifiers_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "customer_aliases_key" ON "customer_aliases" USING btree ("field","lookup") WHERE "customer_aliases"."field" <> 'idNumber';--> statement-breakpoint
CREATE INDEX "customer_aliases_lookup_idx" ON "customer_aliases" USING btree ("field","lookup");--> statement-breakpoint
CREATE INDEX "customer_aliases_customer_idx" ON "customer_aliases" USING btree ("customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "customer_duplicates_pair_key" ON "customer_duplicates" USING btree ("customer_a","customer_b");--> statement-breakpoint
CREATE INDEX "customer_duplicates_status_idx" ON "customer_duplicates" USING btree ("status","score" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "customer_duplicates_b_idx" ON "customer_duplicates" USING btree ("customer_b");--> statement-breakpoint
CREATE INDEX "customer_merges_survivor_idx" ON "customer_merges" USING btree ("survivor_id","merged_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "customer_merges_merged_idx" ON "customer_merges" USING btree ("merged_id");--> statement-breakpoint
CREATE INDEX "customer_merges_at_idx" ON "customer_merges" USING btree ("merged_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "customer_verified_identifiers_lookup_idx" ON "customer_verified_identifiers" USING btree ("field","lookup");--> statement-breakpoint
CREATE INDEX "customers_name_birthday_idx" ON "customers" USING btree ("name","birthday") WHERE "customers"."birthday" is not null;