/**
 * The member UI in a real browser (Debian's Chromium via playwright-core)
 * against a real gateway with a fresh SQLite file: two members on two
 * browsers go through the site the way a village office would.
 *
 * Screenshots of the main screens at 360 px and desktop widths land in
 * test-results/browser/ (git-ignored), as artefacts to look at.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeDir, startTestGateway, type TestGateway } from '../support/gateway-harness.js';
import {
  ensureWebBuilt,
  launchChromium,
  openPage,
  PHONE,
  requireChromium,
  screenshots,
  type Watched,
} from './browser-harness.js';

const PASSWORD = 'a long password';
const MINUTES = 60_000;

let gateway: TestGateway;
let browser: Browser;
const opened: Watched[] = [];
let setupError: Error | undefined;

async function open(options: Parameters<typeof openPage>[2] = {}): Promise<Watched> {
  if (setupError) throw setupError;
  const watched = await openPage(browser, gateway.url, options);
  opened.push(watched);
  return watched;
}

async function signUp(page: Page, name: string, displayName: string): Promise<void> {
  await page.goto('/signup');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Your name as others see it').fill(displayName);
  await page.getByLabel('Password', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('heading', { name: `Welcome, ${displayName}` }).waitFor();
}

const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: /^Sections of/ }).getByRole('link', { name, exact: true });

describe('member web UI in a real browser', () => {
  beforeAll(async () => {
    // A setup failure (no Chromium, say) fails every test with its message, so it is counted as failures.
    try {
      requireChromium();
      await ensureWebBuilt();
      gateway = await startTestGateway();
      browser = await launchChromium();
    } catch (err) {
      setupError = err as Error;
    }
  }, 5 * MINUTES);

  afterAll(async () => {
    await browser?.close();
    await gateway?.close();
    if (gateway) removeDir(gateway.dataDir);
  });

  it(
    'two members: organisation, wiki edits and a conflict, blog, decision, workflow, search',
    async () => {
      // Amina signs up on her laptop and creates the organisation.
      const amina = await open();
      const a = amina.page;
      await a.goto('/');
      await a.getByRole('heading', { name: 'Log in' }).waitFor();
      await screenshots(a, 'login');
      await signUp(a, 'amina', 'Amina Odhiambo');
      await a.getByRole('link', { name: 'Create an organisation' }).click();
      await a.getByLabel('Name', { exact: true }).fill('Kisumu Water Board');
      await expect.poll(() => a.getByLabel('Short name for links').inputValue()).toBe('kisumu-water-board');
      await a.getByRole('button', { name: 'Create', exact: true }).click();
      await a.getByRole('heading', { name: 'Kisumu Water Board', level: 1 }).waitFor();
      expect(new URL(a.url()).pathname).toBe('/o/kisumu-water-board');

      // She writes a page, with a preview, then edits it.
      await section(a, 'Wiki').click();
      await a.getByRole('link', { name: 'New page' }).click();
      await a.getByLabel('Page address').fill('handbook/pumps');
      await a.getByLabel('Title').fill('Pump maintenance');
      await a
        .getByLabel('Content', { exact: true })
        .fill('# Pumps\n\nCheck the **filters** every week.\n\n- Grease the bearings\n- Log the hours\n');
      await a.getByRole('button', { name: 'Preview' }).click();
      await a.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Pumps' }).waitFor();
      await screenshots(a, 'wiki-editor-preview');
      await a.getByRole('button', { name: 'Save page' }).click();
      await a.getByRole('heading', { name: 'Pump maintenance', exact: true }).waitFor();
      expect(new URL(a.url()).pathname).toBe('/o/kisumu-water-board/wiki/handbook/pumps');
      await a.getByRole('link', { name: 'Edit' }).click();
      await a
        .getByLabel('Content', { exact: true })
        .fill(
          '# Pumps\n\nCheck the **filters** every week.\n\n- Grease the bearings monthly\n- Log the hours\n',
        );
      await a.getByRole('button', { name: 'Save page' }).click();
      await a.locator('article .prose').getByText('Grease the bearings monthly').waitFor();
      await screenshots(a, 'wiki-page');

      // She invites Baraka as an editor.
      await section(a, 'Members').click();
      await a.getByLabel('They join as').selectOption('editor');
      await a.getByRole('button', { name: 'Create invite code' }).click();
      const code = (await a.getByTestId('invite-code').textContent())?.trim() ?? '';
      expect(code.length).toBeGreaterThan(4);
      await screenshots(a, 'members');

      // Baraka, on his phone, signs up and joins with the code.
      const baraka = await open({ viewport: PHONE });
      const b = baraka.page;
      await signUp(b, 'baraka', 'Baraka Mwangi');
      await b.getByRole('link', { name: 'Join with an invite code' }).click();
      await b.getByLabel('Invite code').fill(code);
      await b.getByRole('button', { name: 'Join' }).click();
      await b.getByRole('heading', { name: 'Kisumu Water Board', level: 1 }).waitFor();

      // Both open the page's editor at the same time.
      await a.goto('/o/kisumu-water-board/wiki/handbook/pumps?edit');
      await b.goto('/o/kisumu-water-board/wiki/handbook/pumps?edit');
      const aContent = a.getByLabel('Content', { exact: true });
      const bContent = b.getByLabel('Content', { exact: true });
      await expect.poll(() => bContent.inputValue()).toContain('every week');
      await aContent.fill((await aContent.inputValue()).replace('every week', 'every day'));
      await bContent.fill((await bContent.inputValue()).replace('every week', 'every month'));
      await a.getByRole('button', { name: 'Save page' }).click();
      await a.getByRole('heading', { name: 'Pump maintenance', exact: true }).waitFor();
      // Baraka's editor hears about Amina's save over the live subscription.
      await b.getByText(/This page was saved again while you were editing \(by Amina Odhiambo\)/).waitFor();
      await screenshots(b, 'wiki-editor-changed');
      await b.getByRole('button', { name: 'Save page' }).click();

      // The edits overlap: Baraka sees both versions side by side and resolves.
      await b.getByRole('heading', { name: 'Resolve the conflict in “Pump maintenance”' }).waitFor();
      await expect.poll(() => b.getByTestId('conflict-version-1').textContent()).toMatch(/every (day|month)/);
      const versions = [
        await b.getByTestId('conflict-version-1').textContent(),
        await b.getByTestId('conflict-version-2').textContent(),
      ].join('\n');
      expect(versions).toContain('every day');
      expect(versions).toContain('every month');
      await screenshots(b, 'wiki-conflict');
      await b.getByRole('button', { name: 'Combine both' }).click();
      const combined = await bContent.inputValue();
      expect(combined).toContain('every day');
      expect(combined).toContain('every month');
      await bContent.fill(
        combined
          .replace(/Check the \*\*filters\*\* every (day|month)\.\n/g, '')
          .replace('# Pumps\n\n', '# Pumps\n\nCheck the **filters** every day; clean them every month.\n'),
      );
      await b.getByRole('button', { name: 'Save the resolved version' }).click();
      await b
        .locator('article .prose')
        .getByText('Check the filters every day; clean them every month.')
        .waitFor();
      // Amina, reading the page, gets the resolution live.
      await a
        .locator('article .prose')
        .getByText('Check the filters every day; clean them every month.')
        .waitFor();
      await a.getByText('Changed just now by Baraka Mwangi.').waitFor();

      // History and a diff between two versions.
      await a.getByRole('link', { name: 'History' }).click();
      await a.getByRole('heading', { name: 'History of “Pump maintenance”' }).waitFor();
      await expect.poll(() => a.locator('table.history tbody tr').count()).toBeGreaterThanOrEqual(4);
      await a.getByText('conflict resolution').first().waitFor();
      await screenshots(a, 'wiki-history');
      await a.getByRole('button', { name: 'Compare selected' }).click();
      await a.getByTestId('diff').waitFor();
      await expect(a.getByTestId('diff').textContent()).resolves.toContain('clean them every month');
      await screenshots(a, 'wiki-diff');

      // Amina publishes a post; Baraka comments on it.
      await section(a, 'Blog').click();
      await a.getByRole('link', { name: 'Write a post' }).click();
      await a.getByLabel('Title').fill('The new pump is in');
      await a.getByLabel('Post', { exact: true }).fill('We installed the **new pump** on Monday.');
      await a.getByRole('button', { name: 'Publish' }).click();
      await a.getByRole('heading', { name: 'The new pump is in' }).waitFor();
      await b.goto('/o/kisumu-water-board/blog');
      await b.getByRole('link', { name: 'The new pump is in' }).click();
      await b.getByLabel('Add a comment').fill('Great work, thank you!');
      await b.getByRole('button', { name: 'Post comment' }).click();
      await b.locator('.comment').getByText('Great work, thank you!').waitFor();
      await a.locator('.comment').getByText('Great work, thank you!').waitFor(); // live on Amina's screen
      await screenshots(a, 'blog-post');

      // A decision: Amina proposes, both vote, Amina closes it and everyone sees the result.
      await section(a, 'Decisions').click();
      await a.getByRole('link', { name: 'Propose a decision' }).click();
      await a.getByLabel('Question or proposal').fill('Buy a second pump this year?');
      await a.getByLabel('Option 1').fill('Yes');
      await a.getByLabel('Option 2').fill('Not yet');
      await screenshots(a, 'decision-new');
      await a.getByRole('button', { name: 'Open the vote' }).click();
      await a.getByRole('heading', { name: 'Buy a second pump this year?' }).waitFor();
      await a.getByLabel('Yes', { exact: true }).check();
      await a.getByRole('button', { name: 'Vote', exact: true }).click();
      await a.getByText(/You voted on/).waitFor();
      await b.goto('/o/kisumu-water-board/decisions');
      await b.getByRole('link', { name: 'Buy a second pump this year?' }).click();
      await b.getByLabel('Yes', { exact: true }).check();
      await b.getByRole('button', { name: 'Vote', exact: true }).click();
      await b.getByText(/You voted on/).waitFor();
      await a.reload();
      await a.getByText('2 voted (at least 1 needed)').first().waitFor();
      await a.getByRole('button', { name: 'Close the vote now' }).click();
      await expect.poll(() => a.getByTestId('decision-outcome').textContent()).toContain('Adopted — Yes');
      await a.getByText('2 votes').waitFor();
      await screenshots(a, 'decision-result');

      // A project board: Amina adds tasks and drags one across; Baraka sees it in his tasks.
      await section(a, 'Projects').click();
      await a.getByLabel('Name', { exact: true }).fill('New pump');
      await a.getByRole('button', { name: 'Create', exact: true }).click();
      await a.getByRole('heading', { name: 'New pump', level: 1 }).waitFor();
      await a.getByLabel('What needs doing').fill('Get three quotes');
      await a.getByLabel('Assigned to').selectOption({ label: 'Baraka Mwangi' });
      await a.getByRole('button', { name: 'Add task' }).click();
      await a.getByTestId('task-Get three quotes').waitFor();
      await a.getByLabel('What needs doing').fill('Dig the trench');
      await a.getByRole('button', { name: 'Add task' }).click();
      await a.getByTestId('task-Dig the trench').waitFor();
      await a.getByTestId('task-Get three quotes').dragTo(a.locator('[data-status="doing"]'));
      await a.locator('[data-status="doing"]').getByTestId('task-Get three quotes').waitFor();
      await a.getByLabel('Move “Dig the trench”').selectOption({ label: 'Done' });
      await a.locator('[data-status="done"]').getByTestId('task-Dig the trench').waitFor();
      await screenshots(a, 'project-board');
      await a.getByRole('link', { name: 'List' }).click();
      await a.getByRole('cell', { name: 'Dig the trench' }).waitFor();
      await screenshots(a, 'project-list');
      await b.goto('/o/kisumu-water-board/tasks');
      await b.getByText('Get three quotes', { exact: true }).waitFor();
      await b.getByText('In progress').waitFor();
      await screenshots(b, 'my-tasks');

      // Amina designs a purchase workflow; the engine's first complaint shows inline.
      await section(a, 'Workflows').click();
      await a.getByRole('link', { name: 'Design a workflow' }).click();
      await a.getByLabel('Name', { exact: true }).fill('Purchase request');
      await a.getByRole('button', { name: 'Add a field' }).click();
      await a.getByLabel('Question').fill('Amount');
      await a.getByLabel('Answer type').selectOption('number');
      await a.getByLabel('Must be answered').check();
      await a.getByRole('button', { name: 'Add a step' }).click();
      const steps = a.getByLabel('Step name');
      await steps.nth(0).fill('Requested');
      await steps.nth(1).fill('Approved');
      await steps.nth(2).fill('Rejected');
      await a.getByRole('button', { name: 'Add an action' }).click();
      const approve = a.getByTestId('transition-0');
      await approve.getByLabel('Action name').fill('Approve');
      await approve.getByRole('group', { name: 'Who may take it' }).getByLabel('member').uncheck();
      await approve.getByRole('group', { name: 'Who may take it' }).getByLabel('admin').check();
      await approve.getByRole('group', { name: 'Who may take it' }).getByLabel('owner').check();
      await a.getByRole('button', { name: 'Publish workflow' }).click();
      await a
        .getByTestId('state-2')
        .getByText(/unreachable from the initial state/)
        .waitFor();
      await screenshots(a, 'workflow-designer-problem');
      await a.getByTestId('state-2').getByLabel('Final step').check();
      await a.getByRole('button', { name: 'Add an action' }).click();
      const reject = a.getByTestId('transition-1');
      await reject.getByLabel('Action name').fill('Reject');
      await reject.getByLabel('To step').selectOption({ label: 'Rejected' });
      await reject.getByRole('group', { name: 'Who may take it' }).getByLabel('member').uncheck();
      await reject.getByRole('group', { name: 'Who may take it' }).getByLabel('admin').check();
      await approve.getByLabel('Only if').selectOption({ label: 'Amount' });
      await approve.getByLabel('is', { exact: true }).selectOption('<=');
      await approve.getByLabel('Value').fill('500');
      await approve.getByLabel('Message when it does not hold').fill('Over 500 goes to the board');
      await a.getByRole('button', { name: 'Publish workflow' }).click();
      await a.getByRole('heading', { name: 'Workflows', level: 1 }).waitFor();

      // Baraka starts an item by filling the form; it waits on Amina, who approves it.
      await b.goto('/o/kisumu-water-board/workflows');
      await b.getByRole('link', { name: 'Purchase request' }).click();
      await b.getByLabel('Title').fill('Spare filters');
      await b.getByLabel('Amount').fill('120');
      await screenshots(b, 'workflow-start');
      await b.getByRole('button', { name: 'Submit' }).click();
      await expect.poll(() => b.getByTestId('item-state').textContent()).toContain('Requested');
      expect(await b.getByRole('button', { name: 'Approve → Approved' }).isDisabled()).toBe(true);
      await a.reload();
      await a
        .getByRole('region', { name: 'Waiting on you' })
        .getByRole('link', { name: 'Spare filters' })
        .click();
      await a.getByRole('button', { name: 'Approve → Approved' }).waitFor();
      await screenshots(a, 'workflow-item');
      await a.getByRole('button', { name: 'Approve → Approved' }).click();
      await a.getByText('Done: Approve.').waitFor();
      await expect.poll(() => a.getByTestId('item-state').textContent()).toContain('Approved');
      await a.getByText('Approve: Requested → Approved').waitFor();
      await b.reload();
      await expect.poll(() => b.getByTestId('item-state').textContent()).toMatch(/Approved.*closed/);
      await a.goto('/o/kisumu-water-board/workflows');
      await a.getByRole('link', { name: 'Purchase request' }).waitFor();
      await screenshots(a, 'workflow-inbox');

      // Search across the organisations finds the page.
      await a
        .getByRole('searchbox', { name: 'Search pages and posts in your organisations' })
        .fill('filters');
      await a.keyboard.press('Enter');
      await a.getByRole('heading', { name: 'Results for “filters”' }).waitFor();
      await a.getByRole('link', { name: 'Pump maintenance' }).waitFor();
      await screenshots(a, 'search');
      await a.getByRole('link', { name: 'Pump maintenance' }).click();
      await a.getByRole('heading', { name: 'Pump maintenance', exact: true }).waitFor();

      // The organisation overview, on both sizes.
      await section(a, 'Overview').click();
      await a.getByRole('link', { name: 'The new pump is in' }).waitFor();
      await screenshots(a, 'org-overview');

      expect(amina.problems).toEqual([]);
      expect(baraka.problems).toEqual([]);
    },
    15 * MINUTES,
  );
});
