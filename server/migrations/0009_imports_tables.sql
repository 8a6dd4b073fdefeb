CREATE TABLE "customer_consent_state" (
	"customer_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"policy_version" text,
	"at" timestamp with time zone NOT NULL,
	"consent_id" bigint NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_consent_state_pkey" PRIMARY KEY("customer_id","purpose","channel"),
	CONSTRAINT "customer_consent_state_status_check" CHECK ("customer_consent_state"."status" in ('granted', 'withdrawn', 'pending'))
);
--> statement-breakpoint
CREATE TABLE "customer_consents" (
	"id" bigint GENERATED ALWAYS AS IDENTITY (sequence name "customer_consents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"customer_id" uuid NOT NULL,
	"purpose" text NOT NULL,
	"channel" text NOT NULL,
	"status" text NOT NULL,
	"source" text NOT NULL,
	"policy_text" text,
	"policy_version" text,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"actor_id" uuid,
	"at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "customer_consents_pkey" PRIMARY KEY("customer_id","id"),
	CONSTRAINT "customer_consents_status_check" CHECK ("customer_consents"."status" in ('granted', 'withdrawn', 'pending'))
);
--> statement-breakpoint
CREATE TABLE "import_issues" (
	"import_id" uuid NOT NULL,
	"phase" text NOT NULL,
	"line" integer NOT NULL,
	"problems" jsonb NOT NULL,
	"cells" text[] NOT NULL,
	CONSTRAINT "import_issues_import_id_phase_line_pk" PRIMARY KEY("import_id","phase","line")
);
--> statement-breakpoint
CREATE TABLE "import_mappings" (
	"kind" text NOT NULL,
	"signature" text NOT NULL,
	"mapping" jsonb NOT NULL,
	"updated_by" uuid NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "import_mappings_kind_signature_pk" PRIMARY KEY("kind","signature")
);
--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" text,
	"status" text DEFAULT 'uploaded' NOT NULL,
	"file_name" text NOT NULL,
	"format" text NOT NULL,
	"encoding" text,
	"file_size" bigint NOT NULL,
	"file_hash" text NOT NULL,
	"headers" text[] NOT NULL,
	"samples" jsonb NOT NULL,
	"mapping" jsonb,
	"touchpoint_id" uuid,
	"on_match" text DEFAULT 'fillEmpty' NOT NULL,
	"locale" text NOT NULL,
	"total_rows" integer,
	"valid_rows" integer DEFAULT 0 NOT NULL,
	"invalid_rows" integer DEFAULT 0 NOT NULL,
	"matched_rows" integer DEFAULT 0 NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"skipped" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"error" text,
	"error_params" jsonb,
	"created_by" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "customer_consent_state" ADD CONSTRAINT "customer_consent_state_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "customer_consents" ADD CONSTRAINT "customer_consents_customer_id_customers_id_fk" FOREIGN KEY ("customer_id") REFERENCES "public"."customers"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_issues" ADD CONSTRAINT "import_issues_import_id_imports_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."imports"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "customer_consent_state_filter_idx" ON "customer_consent_state" USING btree ("purpose","channel","status","customer_id");--> statement-breakpoint
CREATE INDEX "customer_consents_customer_idx" ON "customer_consents" USING btree ("customer_id","at" DESC NULLS FIRST,"id" DESC NULLS FIRST);--> statement-breakpoint
CREATE INDEX "imports_created_idx" ON "imports" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "imports_file_hash_idx" ON "imports" USING btree ("file_hash");