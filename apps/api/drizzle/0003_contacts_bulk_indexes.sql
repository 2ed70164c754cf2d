ALTER TABLE "contacts" DROP CONSTRAINT "contacts_org_id_organizations_id_fk";
--> statement-breakpoint
DROP INDEX "contacts_org_email_prefix_idx";--> statement-breakpoint
DROP INDEX "contacts_org_email_key";--> statement-breakpoint
DROP INDEX "contacts_org_status_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_org_email_key" ON "contacts" USING btree ("org_id",lower("email") text_pattern_ops);--> statement-breakpoint
CREATE INDEX "contacts_org_status_idx" ON "contacts" USING btree ("org_id","status") WHERE "contacts"."status" <> 'subscribed';--> statement-breakpoint
-- Merging repeated addresses of an import file in SQL (the PGlite path): tags accumulate and
-- attributes merge key by key in file order, like mergeRows in import.rows.ts.
CREATE FUNCTION herald_jsonb_merge_step(a jsonb, b jsonb) RETURNS jsonb
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE a || b END $$;--> statement-breakpoint
CREATE AGGREGATE herald_jsonb_merge(jsonb) (SFUNC = herald_jsonb_merge_step, STYPE = jsonb);--> statement-breakpoint
CREATE AGGREGATE herald_array_union(anycompatiblearray) (SFUNC = array_cat, STYPE = anycompatiblearray);
