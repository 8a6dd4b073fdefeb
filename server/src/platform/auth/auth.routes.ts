import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Config } from '../config.ts';
import { locales } from '../i18n/i18n.ts';
import type { Actor } from './actor.ts';
import type { ApiKeyService } from './api-keys.service.ts';
import type { AuthService } from './auth.service.ts';
import { allPermissions, permissionActions, permissionModules } from './permissions.ts';
import { sessionCookieName } from './session.service.ts';

const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    requestId: z.string(),
    fields: z.array(z.object({ field: z.string(), code: z.string(), message: z.string() })).optional(),
  }),
});

export const Me = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  mobile: z.string().nullable(),
  locale: z.enum(locales).nullable(),
  department: z.object({ id: z.string(), name: z.string() }).nullable(),
  roles: z.array(z.object({ id: z.string(), key: z.string().nullable(), name: z.string() })),
  permissions: z.array(z.string()),
  csrfToken: z.string().nullable().describe('Send as x-csrf-token on every non-GET request (null for API keys)'),
});
const MeResponse = z.object({ user: Me });

// Checked for length by the password policy (which names the reason); the cap only stops abuse.
const NewPassword = z.string().max(1024);

export const LoginBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});
export const SetupBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  email: z.email().max(254),
  password: NewPassword,
});
export const UpdateMeBody = z.strictObject({
  name: z.string().trim().min(1).max(100).optional(),
  locale: z.enum(locales).nullable().optional(),
});
export const ChangePasswordBody = z.strictObject({
  currentPassword: z.string().min(1).max(1024),
  newPassword: NewPassword,
});
export const ReauthBody = z.strictObject({ password: z.string().min(1).max(1024) });
export const PasswordResetBody = z.strictObject({ email: z.string().trim().min(1).max(254) });
export const PasswordResetConfirmBody = z.strictObject({ token: z.string().min(1).max(200), password: NewPassword });

export const ApiKeyDto = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  permissions: z.array(z.string()),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export const CreateApiKeyBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
  permissions: z
    .array(z.string().refine((p) => (allPermissions as string[]).includes(p), 'invalid_permission'))
    .min(1)
    .max(allPermissions.length),
  expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
});
const IdParams = z.strictObject({ id: z.uuid() });

const errors = { 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody, 429: ErrorBody };
const loginRateLimit = { max: 30, timeWindow: '1 minute' };

export function authRoutes(deps: {
  auth: AuthService;
  apiKeys: ApiKeyService;
  config: Pick<Config, 'secureCookies'>;
}): FastifyPluginAsync {
  const { auth, apiKeys } = deps;
  const setSessionCookie = (reply: FastifyReply, token: string) =>
    reply.setCookie(sessionCookieName, token, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: deps.config.secureCookies,
    });

  return async (plain) => {
    const app = plain.withTypeProvider<ZodTypeProvider>();
    const tags = ['auth'];

    app.post(
      '/auth/login',
      {
        config: { access: 'public', rateLimit: loginRateLimit },
        schema: {
          tags,
          summary: 'Sign in with email and password',
          body: LoginBody,
          response: { 200: MeResponse, ...errors },
        },
      },
      async (request, reply) => {
        const { token, me } = await auth.login(request, request.body);
        setSessionCookie(reply, token);
        return { user: me };
      },
    );

    app.post(
      '/auth/logout',
      {
        config: { access: 'public' },
        schema: { tags, summary: 'Sign out (ends the session on the server)', response: { 204: z.null(), ...errors } },
      },
      async (request, reply) => {
        await auth.logout(request);
        reply.clearCookie(sessionCookieName, { path: '/' });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auth/reauth',
      {
        config: { access: 'authenticated', rateLimit: loginRateLimit },
        schema: {
          tags,
          summary: 'Confirm the password again; sensitive actions need this within the last 5 minutes',
          body: ReauthBody,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.reauthenticate(request, request.body.password);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/me',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Who is signed in', response: { 200: Me, ...errors } },
      },
      async (request) => auth.me(request.actor as Actor, request.locale),
    );

    app.patch(
      '/me',
      {
        config: { access: 'authenticated' },
        schema: { tags, summary: 'Change my name or language', body: UpdateMeBody, response: { 200: Me, ...errors } },
      },
      async (request) => auth.updateMe(request, request.body),
    );

    app.post(
      '/me/password',
      {
        config: { access: 'authenticated', rateLimit: loginRateLimit },
        schema: {
          tags,
          summary: 'Change my password (ends my other sessions)',
          body: ChangePasswordBody,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.changePassword(request, request.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/setup',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'Whether the one-time setup is needed',
          response: { 200: z.object({ needed: z.boolean() }) },
        },
      },
      async () => ({ needed: await auth.isSetupNeeded() }),
    );

    app.post(
      '/setup',
      {
        config: { access: 'public', rateLimit: loginRateLimit },
        schema: {
          tags,
          summary: 'Create the first administrator (only while there are no users) and sign in',
          body: SetupBody,
          response: { 201: MeResponse, ...errors },
        },
      },
      async (request, reply) => {
        const { token, me } = await auth.setup(request, request.body);
        setSessionCookie(reply, token);
        return reply.status(201).send({ user: me });
      },
    );

    app.post(
      '/auth/password-reset',
      {
        config: { access: 'public', rateLimit: { max: 10, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Email a password reset link (answers 202 whether or not the account exists)',
          body: PasswordResetBody,
          response: { 202: z.object({ accepted: z.literal(true) }), ...errors },
        },
      },
      async (request, reply) => {
        await auth.requestPasswordReset(request, request.body.email);
        return reply.status(202).send({ accepted: true as const });
      },
    );

    app.post(
      '/auth/password-reset/confirm',
      {
        config: { access: 'public', rateLimit: loginRateLimit },
        schema: {
          tags,
          summary: 'Set a new password with a reset token (ends all sessions)',
          body: PasswordResetConfirmBody,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await auth.confirmPasswordReset(request, request.body);
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/permissions',
      {
        config: { access: 'authenticated' },
        schema: {
          tags,
          summary: 'The permission modules and actions a role can combine',
          response: { 200: z.object({ modules: z.array(z.string()), actions: z.array(z.string()) }), ...errors },
        },
      },
      async () => ({ modules: [...permissionModules], actions: [...permissionActions] }),
    );

    const keyTags = ['api-keys'];
    app.get(
      '/api-keys',
      {
        config: { access: 'settings.manage' },
        schema: {
          tags: keyTags,
          summary: 'API keys (never their secrets)',
          response: { 200: z.object({ items: z.array(ApiKeyDto) }), ...errors },
        },
      },
      async () => ({ items: await apiKeys.list() }),
    );

    app.post(
      '/api-keys',
      {
        config: { access: 'settings.manage' },
        schema: {
          tags: keyTags,
          summary: 'Create an API key (needs a recent re-authentication); the token is shown only in this answer',
          body: CreateApiKeyBody,
          response: { 201: z.object({ apiKey: ApiKeyDto, token: z.string() }), ...errors },
        },
      },
      async (request, reply) => {
        const { expiresAt, ...rest } = request.body;
        const created = await apiKeys.create(request, {
          ...rest,
          permissions: rest.permissions as typeof allPermissions,
          expiresAt: expiresAt ? new Date(expiresAt) : null,
        });
        return reply.status(201).send(created);
      },
    );

    app.delete(
      '/api-keys/:id',
      {
        config: { access: 'settings.manage' },
        schema: {
          tags: keyTags,
          summary: 'Revoke an API key',
          params: IdParams,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        await apiKeys.revoke(request, request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
