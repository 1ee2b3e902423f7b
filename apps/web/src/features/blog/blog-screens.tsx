import { type FormEvent, useRef, useState } from 'react';
import type { OrgScreenProps } from '../../app/routes';
import { ErrorMessage } from '../../components/ErrorMessage';
import { InputField } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { MarkdownEditor } from '../../components/MarkdownEditor';
import { PageHeader } from '../../components/PageHeader';
import { RenderedHtml } from '../../components/RenderedHtml';
import { Time } from '../../components/Time';
import { useI18n } from '../../i18n/i18n';
import { Link, navigate, pathTo, withQuery } from '../../lib/router';
import { useMutation, useQuery } from '../../lib/use-query';
import { useSubscription } from '../../lib/use-subscription';
import { useAccountNames } from '../../session/accounts';
import { hasRole, type Org, orgKey, useSession } from '../../session/session';
import { ConflictResolver } from '../conflicts/ConflictResolver';
import {
  ADD_COMMENT,
  BLOG_POST,
  BLOG_POST_CHANGED,
  BLOG_POSTS,
  type BlogPost,
  type BlogPostSummary,
  CREATE_POST,
  DELETE_COMMENT,
  EDIT_POST,
  SET_STATUS,
} from './blog-api';

function useOrgKey(org: Org) {
  const { orgs } = useSession();
  return orgKey(orgs, org);
}

export function BlogIndexScreen({ org, location }: OrgScreenProps) {
  const { t } = useI18n();
  const key = useOrgKey(org);
  const nameOf = useAccountNames(org);
  const isEditor = hasRole(org.myRole, 'editor');
  const status = location.search.get('status') === 'draft' && isEditor ? 'draft' : 'published';
  const posts = useQuery<{ blogPosts: { nodes: BlogPostSummary[] } }>(BLOG_POSTS, { orgId: org.id, status });
  const base = pathTo('o', key, 'blog');
  return (
    <div>
      <PageHeader title={t('blog.title')} sub={org.name}>
        {hasRole(org.myRole, 'editor') && (
          <Link className="button primary" to={`${base}/new`}>
            {t('blog.newPost')}
          </Link>
        )}
      </PageHeader>
      {isEditor && (
        <nav className="tabs" aria-label={t('blog.title')}>
          <Link to={base} aria-current={status === 'published' ? 'page' : undefined}>
            {t('blog.published')}
          </Link>
          <Link
            to={withQuery(base, { status: 'draft' })}
            aria-current={status === 'draft' ? 'page' : undefined}
          >
            {t('blog.drafts')}
          </Link>
        </nav>
      )}
      <ErrorMessage error={posts.error} />
      {posts.loading && !posts.data ? (
        <Loading />
      ) : posts.data?.blogPosts.nodes.length ? (
        <ul className="card-list">
          {posts.data.blogPosts.nodes.map((p) => (
            <li key={p.id}>
              <Link to={`${base}/${encodeURIComponent(p.id)}`}>{p.title}</Link>
              {p.status === 'draft' && <span className="badge">{t('blog.draft')}</span>}
              <div className="muted small-text">
                {t('common.by', { name: nameOf(p.authorId) })} · <Time value={p.publishedAt ?? p.createdAt} />
              </div>
            </li>
          ))}
        </ul>
      ) : (
        <p>{t('blog.noPosts')}</p>
      )}
    </div>
  );
}

export function BlogPostScreen({ org, params, location }: OrgScreenProps) {
  const { t } = useI18n();
  const { me } = useSession();
  const key = useOrgKey(org);
  const nameOf = useAccountNames(org);
  const post = useQuery<{ blogPost: BlogPost }>(BLOG_POST, { orgId: org.id, id: params.id });
  const setStatus = useMutation<{ setBlogPostStatus: BlogPost }, Record<string, unknown>>(SET_STATUS);
  const [notice, setNotice] = useState<string | null>(null);
  const current = post.data?.blogPost;
  const base = pathTo('o', key, 'blog', params.id);
  // Changes this page makes itself come back through the subscription too: no notice for those.
  const quietUntil = useRef(0);
  const ownChange = () => {
    quietUntil.current = Date.now() + 5_000;
  };

  useSubscription<{ blogPostChanged: BlogPost }>(BLOG_POST_CHANGED, { orgId: org.id }, (data) => {
    if (data.blogPostChanged.id !== params.id) return;
    post.setData({ blogPost: data.blogPostChanged });
    if (Date.now() > quietUntil.current) setNotice(t('common.liveUpdate', { name: t('common.someone') }));
  });

  if (post.loading && !post.data) return <Loading />;
  if (post.error || !current) return <ErrorMessage error={post.error} />;
  const isEditor = hasRole(org.myRole, 'editor');
  const canEdit = isEditor || current.authorId === me?.account.id;

  if (location.search.has('conflict') && current.conflict?.status === 'open') {
    return (
      <div>
        <PageHeader title={t('conflict.title', { title: current.title })} />
        <ConflictResolver
          conflict={current.conflict}
          myAccountId={me?.account.id}
          nameOf={nameOf}
          onResolved={async () => {
            await post.reload();
            navigate(base, { replace: true });
          }}
          onCancel={() => navigate(base)}
        />
      </div>
    );
  }

  return (
    <article>
      <PageHeader
        title={current.title}
        sub={
          <>
            {t('common.by', { name: nameOf(current.authorId) })} ·{' '}
            {current.status === 'published' ? (
              <>
                {t('blog.published')} <Time value={current.publishedAt} />
              </>
            ) : (
              <span className="badge">{t('blog.draft')}</span>
            )}
          </>
        }
      >
        {canEdit && (
          <Link className="button" to={`${base}/edit`}>
            {t('common.edit')}
          </Link>
        )}
        {isEditor && (
          <button
            type="button"
            className={current.status === 'draft' ? 'primary' : undefined}
            disabled={setStatus.pending}
            onClick={async () => {
              ownChange();
              const data = await setStatus.run({
                orgId: org.id,
                postId: current.id,
                status: current.status === 'draft' ? 'published' : 'draft',
              });
              if (data) post.setData({ blogPost: data.setBlogPostStatus });
            }}
          >
            {current.status === 'draft' ? t('blog.publish') : t('blog.unpublish')}
          </button>
        )}
      </PageHeader>
      <ErrorMessage error={setStatus.error} />
      {notice && (
        <p className="notice notice-info" role="status">
          <span aria-hidden="true">⟳ </span>
          {notice}
        </p>
      )}
      {current.conflict?.status === 'open' && (
        <div className="notice notice-warn" role="status">
          <span aria-hidden="true">⚠ </span>
          {t('wiki.conflictBanner')}{' '}
          {canEdit && <Link to={withQuery(base, { conflict: '' })}>{t('wiki.resolveNow')}</Link>}
        </div>
      )}
      <RenderedHtml html={current.html} />
      <Comments org={org} post={current} nameOf={nameOf} onChange={post.reload} beforeChange={ownChange} />
    </article>
  );
}

function Comments({
  org,
  post,
  nameOf,
  onChange,
  beforeChange,
}: {
  org: Org;
  post: BlogPost;
  nameOf: (id: string | null | undefined) => string;
  onChange: () => Promise<void>;
  beforeChange: () => void;
}) {
  const { t } = useI18n();
  const { me } = useSession();
  const [content, setContent] = useState('');
  const add = useMutation<unknown, { input: Record<string, string> }>(ADD_COMMENT);
  const remove = useMutation<unknown, { orgId: string; commentId: string }>(DELETE_COMMENT);
  const canComment = hasRole(org.myRole, 'member');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!content.trim()) return;
    beforeChange();
    const ok = await add.run({ input: { orgId: org.id, postId: post.id, content } });
    if (ok) {
      setContent('');
      await onChange();
    }
  };
  return (
    <section className="comments" aria-labelledby="comments-title">
      <h2 id="comments-title">
        {t('blog.comments')} ({post.comments.length})
      </h2>
      {post.comments.length === 0 && <p className="muted">{t('blog.noComments')}</p>}
      <ul className="plain-list">
        {post.comments.map((c) => (
          <li key={c.id} className="comment">
            <div className="muted small-text">
              <strong>{nameOf(c.authorId)}</strong> · <Time value={c.createdAt} />
              {(c.authorId === me?.account.id || hasRole(org.myRole, 'editor')) && (
                <button
                  type="button"
                  className="link-button small"
                  onClick={async () => {
                    beforeChange();
                    if (await remove.run({ orgId: org.id, commentId: c.id })) await onChange();
                  }}
                >
                  {t('blog.deleteComment')}
                </button>
              )}
            </div>
            <RenderedHtml html={c.html} />
          </li>
        ))}
      </ul>
      <ErrorMessage error={add.error ?? remove.error} fieldsShown={['content']} />
      {canComment && (
        <form onSubmit={submit} className="stack">
          <MarkdownEditor
            label={t('blog.addComment')}
            name="comment"
            rows={4}
            value={content}
            onChange={setContent}
            error={add.error?.field('content')}
          />
          <button type="submit" disabled={add.pending || !content.trim()}>
            {t('blog.postComment')}
          </button>
        </form>
      )}
    </section>
  );
}

export function BlogEditScreen({ org, params }: OrgScreenProps) {
  const { t } = useI18n();
  const key = useOrgKey(org);
  const editing = !!params.id;
  const existing = useQuery<{ blogPost: BlogPost }>(
    BLOG_POST,
    editing ? { orgId: org.id, id: params.id } : null,
  );
  if (editing && !existing.data)
    return existing.error ? <ErrorMessage error={existing.error} /> : <Loading />;
  return (
    <div>
      <PageHeader title={editing ? t('blog.editPost') : t('blog.newTitle')} />
      <BlogForm
        org={org}
        post={existing.data?.blogPost ?? null}
        onDone={(post) =>
          navigate(
            post.conflict?.status === 'open'
              ? withQuery(pathTo('o', key, 'blog', post.id), { conflict: '' })
              : pathTo('o', key, 'blog', post.id),
            { replace: true },
          )
        }
        onCancel={() => navigate(pathTo('o', key, 'blog', params.id))}
      />
    </div>
  );
}

function BlogForm({
  org,
  post,
  onDone,
  onCancel,
}: {
  org: Org;
  post: BlogPost | null;
  onDone: (post: BlogPost) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const [title, setTitle] = useState(post?.title ?? '');
  const [content, setContent] = useState(post?.content ?? '');
  const [baseRevisionId] = useState(post?.currentRevisionId);
  const create = useMutation<{ createBlogPost: BlogPost }, { input: Record<string, unknown> }>(CREATE_POST);
  const edit = useMutation<{ editBlogPost: BlogPost }, { input: Record<string, unknown> }>(EDIT_POST);
  const error = create.error ?? edit.error;
  const pending = create.pending || edit.pending;
  const canPublish = hasRole(org.myRole, 'editor');

  const save = async (publish: boolean) => {
    if (post) {
      const data = await edit.run({
        input: { orgId: org.id, postId: post.id, baseRevisionId, title, content },
      });
      if (data) onDone(data.editBlogPost);
    } else {
      const data = await create.run({ input: { orgId: org.id, title, content, publish } });
      if (data) onDone(data.createBlogPost);
    }
  };

  return (
    <form
      className="stack editor-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(false);
      }}
    >
      <ErrorMessage error={error} fieldsShown={['title', 'content']} />
      <InputField
        label={t('blog.postTitle')}
        name="title"
        required
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={error?.field('title')}
      />
      <MarkdownEditor
        label={t('blog.content')}
        name="content"
        value={content}
        onChange={setContent}
        error={error?.field('content')}
      />
      <div className="button-row">
        {post ? (
          <button type="submit" className="primary" disabled={pending}>
            {t('common.save')}
          </button>
        ) : (
          <>
            {canPublish && (
              <button type="button" className="primary" disabled={pending} onClick={() => void save(true)}>
                {t('blog.publish')}
              </button>
            )}
            <button type="submit" disabled={pending}>
              {t('blog.saveDraft')}
            </button>
          </>
        )}
        <button type="button" onClick={onCancel}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
