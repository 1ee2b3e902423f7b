import { CONFLICT_FIELDS, type EditConflict } from '../wiki/wiki-api';

export interface BlogComment {
  id: string;
  authorId: string | null;
  content: string;
  html: string;
  createdAt: string;
}

export interface BlogPost {
  id: string;
  orgId: string;
  title: string;
  content: string;
  html: string;
  status: 'draft' | 'published';
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
  authorId: string | null;
  currentRevisionId: string;
  conflictId: string | null;
  conflict: EditConflict | null;
  comments: BlogComment[];
}

export type BlogPostSummary = Pick<
  BlogPost,
  'id' | 'title' | 'status' | 'publishedAt' | 'createdAt' | 'authorId'
>;

const POST_FIELDS = `id orgId title content html status publishedAt createdAt updatedAt authorId currentRevisionId conflictId
  conflict { ${CONFLICT_FIELDS} }
  comments { id authorId content html createdAt }`;

export const BLOG_POSTS = `query BlogPosts($orgId: ID!, $status: BlogPostStatus, $after: String) {
  blogPosts(orgId: $orgId, status: $status, first: 20, after: $after) {
    nodes { id title status publishedAt createdAt authorId }
    pageInfo { hasNextPage endCursor }
  } }`;

export const BLOG_POST = `query BlogPost($orgId: ID!, $id: ID!) { blogPost(orgId: $orgId, id: $id) { ${POST_FIELDS} } }`;
export const BLOG_POST_CHANGED = `subscription BlogPostChanged($orgId: ID!) { blogPostChanged(orgId: $orgId) { ${POST_FIELDS} } }`;
export const CREATE_POST = `mutation CreateBlogPost($input: CreateBlogPostInput!) { createBlogPost(input: $input) { ${POST_FIELDS} } }`;
export const EDIT_POST = `mutation EditBlogPost($input: EditBlogPostInput!) { editBlogPost(input: $input) { ${POST_FIELDS} } }`;
export const SET_STATUS = `mutation SetBlogPostStatus($orgId: ID!, $postId: ID!, $status: BlogPostStatus!) {
  setBlogPostStatus(orgId: $orgId, postId: $postId, status: $status) { ${POST_FIELDS} } }`;
export const ADD_COMMENT = `mutation AddComment($input: AddCommentInput!) { addComment(input: $input) { id } }`;
export const DELETE_COMMENT = `mutation DeleteComment($orgId: ID!, $commentId: ID!) { deleteComment(orgId: $orgId, commentId: $commentId) }`;
