import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding the workflow files. */
const WORKFLOWS = fileURLToPath(new URL('..', import.meta.url));

export interface Workflow {
  id?: string;
  versionId?: string;
  name: string;
  nodes: {
    name: string;
    type: string;
    webhookId?: string;
    parameters: Record<string, unknown>;
    credentials?: Record<string, { id: string; name: string }>;
  }[];
  [key: string]: unknown;
}

export interface Execution {
  id: string;
  status: string;
  mode: string;
  lastNode?: string;
}

export type CredentialRefs = Record<string, { id: string; name: string }>;

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A response body as JSON when it is JSON, else as text. */
export async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export const workflowName = (file: string) =>
  (JSON.parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow).name;

/** Loads a workflow file, fills in its Settings node and points credentials at real ones. */
export function prepareWorkflow(
  file: string,
  settings: Record<string, string>,
  credentials: CredentialRefs,
): Workflow {
  const wf = JSON.parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;
  for (const node of wf.nodes) {
    if (node.name === 'Settings') {
      const { assignments } = node.parameters.assignments as {
        assignments: { name: string; value: string }[];
      };
      for (const a of assignments) if (a.name in settings) a.value = settings[a.name]!;
    }
    for (const ref of Object.values(node.credentials ?? {})) {
      const real = credentials[ref.name];
      if (!real) throw new Error(`${file}: no credential "${ref.name}"`);
      ref.id = real.id;
    }
  }
  return wf;
}

/** n8n's own REST API (the one its editor uses), signed in as the owner. */
export function createN8nSession(baseUrl: string) {
  let cookie = '';

  async function call(method: string, path: string, body?: unknown): Promise<unknown> {
    const res = await fetch(`${baseUrl}/rest${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        // n8n ties its auth cookie to a browser id.
        'browser-id': 'herald-verify',
        ...(cookie ? { cookie } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) cookie = setCookie.split(';')[0]!;
    const payload = await readBody(res);
    if (!res.ok) throw new Error(`n8n ${method} ${path}: ${res.status} ${JSON.stringify(payload)}`);
    return (payload as { data?: unknown }).data ?? payload;
  }

  return {
    call,

    /** Creates the owner on a fresh n8n, signs in on a set-up one. */
    async signIn(email: string, password: string) {
      const settings = (await call('GET', '/settings')) as {
        userManagement?: { showSetupOnFirstLoad?: boolean };
      };
      if (settings.userManagement?.showSetupOnFirstLoad) {
        await call('POST', '/owner/setup', {
          email,
          firstName: 'Herald',
          lastName: 'Verify',
          password,
        });
      } else {
        await call('POST', '/login', { emailOrLdapLoginId: email, password });
      }
    },

    /** Removes what an earlier run left, so webhook paths are free. */
    async removePrevious(workflowNames: string[], credentialNames: string[]) {
      const workflows = (await call('GET', '/workflows')) as {
        id: string;
        name: string;
        active: boolean;
        isArchived?: boolean;
      }[];
      for (const wf of workflows.filter((w) => workflowNames.includes(w.name))) {
        if (wf.active) await call('POST', `/workflows/${wf.id}/deactivate`, {});
        if (!wf.isArchived) await call('POST', `/workflows/${wf.id}/archive`, {});
        await call('DELETE', `/workflows/${wf.id}`);
      }
      const credentials = (await call('GET', '/credentials')) as { id: string; name: string }[];
      for (const c of credentials.filter((c) => credentialNames.includes(c.name)))
        await call('DELETE', `/credentials/${c.id}`);
    },

    async headerCredential(name: string, header: string, value: string) {
      const created = (await call('POST', '/credentials', {
        name,
        type: 'httpHeaderAuth',
        data: { name: header, value },
      })) as { id: string };
      return { id: created.id, name };
    },

    async importWorkflow(wf: Workflow, activate: boolean): Promise<Workflow> {
      const created = (await call('POST', '/workflows', { ...wf, active: false })) as Workflow;
      if (activate)
        await call('POST', `/workflows/${created.id}/activate`, { versionId: created.versionId });
      return created;
    },

    /** Finished executions of a workflow, oldest first, once at least `atLeast` are there. */
    async executions(workflowId: string, atLeast: number): Promise<Execution[]> {
      const deadline = Date.now() + 20_000;
      for (;;) {
        const page = (await call(
          'GET',
          `/executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}&limit=50`,
        )) as { results: Execution[] };
        const done = page.results.filter((e) => !['new', 'running', 'waiting'].includes(e.status));
        if (done.length >= atLeast || Date.now() > deadline) {
          for (const e of done) {
            const full = (await call('GET', `/executions/${e.id}`)) as { data: string };
            // Stored flattened (n8n's "flatted" format): values are indexes into one array.
            const match = /"lastNodeExecuted":"(\d+)"/.exec(full.data);
            const table = JSON.parse(full.data) as unknown[];
            e.lastNode = match ? String(table[Number(match[1])]) : undefined;
          }
          return done.sort((a, b) => Number(a.id) - Number(b.id));
        }
        await sleep(300);
      }
    },
  };
}

export type N8nSession = ReturnType<typeof createN8nSession>;
