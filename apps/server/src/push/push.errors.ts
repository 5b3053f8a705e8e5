import { AppError, Errors } from '../common/app-error.js';

export const PushErrors = {
  deviceNotFound: () => Errors.notFound('device'),
  messageNotFound: () => Errors.notFound('push message'),
  notCancellable: (status: string) => new AppError('conflict', `only a queued message can be cancelled; this one is ${status}`),
  guestSecretRequired: () => Errors.unauthorized('a guest install sends its X-Device-Secret to change its device'),
};
