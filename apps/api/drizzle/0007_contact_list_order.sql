DROP INDEX "contacts_org_created_idx";--> statement-breakpoint
CREATE INDEX "contacts_org_created_id_idx" ON "contacts" USING btree ("org_id","created_at","id");