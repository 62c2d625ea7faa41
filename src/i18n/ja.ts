import type { Messages } from './catalogue.js';
import { mfaJa } from './mfa.ja.js';

/** Japanese texts. The `Messages` type makes a missing or extra key a compile error. */
export const ja = {
  'login.title': 'ログイン',
  'login.heading': 'ようこそ',
  'login.lead': '{tenant} にログインして {application} を続けます。',
  'login.username': 'メールアドレスまたはユーザー名',
  'login.password': 'パスワード',
  'login.submit': '続ける',
  'login.error.wrong_credentials': 'メールアドレスまたはパスワードが正しくありません。',
  'login.error.blocked': 'このアカウントはブロックされています。{tenant} の管理者にお問い合わせください。',
  'login.error.missing_fields': 'メールアドレスまたはユーザー名とパスワードを入力してください。',
  'login.error.too_many_attempts': 'ログインの失敗が続いたため、アカウントがブロックされました。ブロックの解除は {tenant} の管理者にお問い合わせください。',
  'error.title': 'エラーが発生しました',
  'error.back': 'アプリケーションに戻って、もう一度お試しください。',
  'error.unknown_client': 'アプリケーションが見つかりません (client_id "{clientId}")。',
  'error.missing_client_id': 'どのアプリケーションへの要求か分かりません (client_id がありません)。',
  'error.missing_redirect_uri': 'redirect_uri が指定されていません。',
  'error.redirect_uri_mismatch': 'コールバック URL "{redirectUri}" はこのアプリケーションで許可されていません。',
  'error.mfa_unavailable': 'このアカウントは電話に送られるコードでのログイン確認が必要ですが、このサインインページはまだコードの入力に対応していません。MFA API を使うアプリケーションからサインインしてください。',
  'error.transaction_expired': 'このログインページは有効期限が切れたか、別のウィンドウで開かれました。アプリケーションに戻って、もう一度ログインしてください。',
  'error.bad_request': 'リクエストを理解できませんでした。',
  'error.no_tenant': 'このアドレスではテナントが提供されていません。',
  'error.internal': '内部エラーが発生しました (リクエスト {requestId})。',
  'error.unavailable': 'サービスが一時的に利用できません。数秒待ってからもう一度お試しください。',
  'error.too_many_requests': 'お使いのネットワークからのリクエストが多すぎます。1 分ほど待ってからもう一度お試しください。',
  'mfa.ticket.already_enrolled': 'このアカウントには確認用の電話番号がすでに登録されています。変更が必要な場合は、{tenant} の管理者にお問い合わせください。',
  // Universal Login MFA screens (the `mfa.` block lives in its own file).
  ...mfaJa,
} as const satisfies Messages;
