import { and, desc, eq, ilike, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { fields, templates, templateVersions, users } from '../../db/schema/index.js';

export type TemplateRow = typeof templates.$inferSelect;
export type TemplateVersionRow = typeof templateVersions.$inferSelect;

/** What a version snapshots: everything a send depends on. */
export type TemplateContent = Pick<
  TemplateRow,
  'subject' | 'preheader' | 'format' | 'body' | 'text'
>;

const likeAnywhere = (value: string) => `%${value.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function createTemplatesRepo(db: Db) {
  return {
    async list(
      orgId: string,
      query: { search?: string; category?: string; limit: number; beforeId?: string },
    ) {
      return db
        .select({
          id: templates.id,
          name: templates.name,
          category: templates.category,
          subject: templates.subject,
          format: templates.format,
          isActive: templates.isActive,
          version: templates.version,
          createdAt: templates.createdAt,
          updatedAt: templates.updatedAt,
        })
        .from(templates)
        .where(
          and(
            eq(templates.orgId, orgId),
            query.search
              ? or(
                  ilike(templates.name, likeAnywhere(query.search)),
                  ilike(templates.subject, likeAnywhere(query.search)),
                )
              : undefined,
            query.category !== undefined ? eq(templates.category, query.category) : undefined,
            query.beforeId !== undefined ? lt(templates.id, query.beforeId) : undefined,
          ),
        )
        .orderBy(desc(templates.id))
        .limit(query.limit);
    },

    async categories(orgId: string): Promise<string[]> {
      const rows = await db
        .selectDistinct({ category: templates.category })
        .from(templates)
        .where(and(eq(templates.orgId, orgId), sql`${templates.category} is not null`))
        .orderBy(templates.category);
      return rows.map((r) => r.category!);
    },

    async find(orgId: string, id: string): Promise<TemplateRow | null> {
      const [row] = await db
        .select()
        .from(templates)
        .where(and(eq(templates.orgId, orgId), eq(templates.id, id)))
        .limit(1);
      return row ?? null;
    },

    /** The template and its first version, together. */
    async insert(row: TemplateRow, versionId: string, createdBy: string | null) {
      await db.transaction(async (tx) => {
        await tx.insert(templates).values(row);
        await tx.insert(templateVersions).values({
          id: versionId,
          orgId: row.orgId,
          templateId: row.id,
          version: 1,
          subject: row.subject,
          preheader: row.preheader,
          format: row.format,
          body: row.body,
          text: row.text,
          createdBy,
          createdAt: row.createdAt,
        });
      });
    },

    /**
     * Applies a patch; when `content` is given a new version is written in the same
     * transaction. The version number comes from the locked row, so concurrent edits never
     * produce the same number. Returns null when the template does not exist.
     */
    async update(
      orgId: string,
      id: string,
      patch: Partial<Pick<TemplateRow, 'name' | 'category' | 'isActive'>> & { updatedAt: Date },
      content: { value: TemplateContent; versionId: string; createdBy: string | null } | null,
    ): Promise<TemplateRow | null> {
      return db.transaction(async (tx) => {
        const [current] = await tx
          .select({ version: templates.version })
          .from(templates)
          .where(and(eq(templates.orgId, orgId), eq(templates.id, id)))
          .for('update');
        if (!current) return null;
        const version = content ? current.version + 1 : current.version;
        const [row] = await tx
          .update(templates)
          .set({ ...patch, ...(content ? { ...content.value, version } : {}) })
          .where(and(eq(templates.orgId, orgId), eq(templates.id, id)))
          .returning();
        if (content) {
          await tx.insert(templateVersions).values({
            id: content.versionId,
            orgId,
            templateId: id,
            version,
            ...content.value,
            createdBy: content.createdBy,
            createdAt: patch.updatedAt,
          });
        }
        return row ?? null;
      });
    },

    async delete(orgId: string, id: string): Promise<boolean> {
      const rows = await db
        .delete(templates)
        .where(and(eq(templates.orgId, orgId), eq(templates.id, id)))
        .returning({ id: templates.id });
      return rows.length > 0;
    },

    async versions(orgId: string, templateId: string, limit: number, beforeVersion?: number) {
      return db
        .select({
          id: templateVersions.id,
          version: templateVersions.version,
          subject: templateVersions.subject,
          format: templateVersions.format,
          createdAt: templateVersions.createdAt,
          createdBy: templateVersions.createdBy,
          createdByName: users.name,
        })
        .from(templateVersions)
        .leftJoin(users, eq(users.id, templateVersions.createdBy))
        .where(
          and(
            eq(templateVersions.orgId, orgId),
            eq(templateVersions.templateId, templateId),
            beforeVersion !== undefined ? lt(templateVersions.version, beforeVersion) : undefined,
          ),
        )
        .orderBy(desc(templateVersions.version))
        .limit(limit);
    },

    async findVersion(
      orgId: string,
      templateId: string,
      version: number,
    ): Promise<TemplateVersionRow | null> {
      const [row] = await db
        .select()
        .from(templateVersions)
        .where(
          and(
            eq(templateVersions.orgId, orgId),
            eq(templateVersions.templateId, templateId),
            eq(templateVersions.version, version),
          ),
        )
        .limit(1);
      return row ?? null;
    },

    async attributeKeys(orgId: string): Promise<string[]> {
      const rows = await db.select({ key: fields.key }).from(fields).where(eq(fields.orgId, orgId));
      return rows.map((r) => r.key);
    },
  };
}

export type TemplatesRepo = ReturnType<typeof createTemplatesRepo>;
