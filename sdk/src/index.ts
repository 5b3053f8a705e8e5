export { createClient, type BasaltClient, type ClientOptions, type SchemaShape, type AnySchema } from './client';
export { BasaltError, type BasaltErrorCode } from './errors';
export { filter, type FilterParamValue } from './filter';
export { memoryStorage, localStorageAdapter, asyncStorageAdapter, type AuthStorage, type AsyncStorageLike, type WebStorageLike } from './auth/storage';
export { storageLock, webLock, noLock, type RefreshLock } from './auth/refresh-lock';
export { AuthClient, OAuth2Client, MfaClient, type SignInResult, type SignUpResult } from './auth/auth-client';
export { CollectionClient, type ListOptions, type IterateOptions, type GetOptions, type UpdateOptions, type RecordInput, type RecordPatch, type SubscribeOptions } from './resources/collection';
export { AdminClient, type MailMessage, type UserListOptions } from './resources/admin';
export { PushClient } from './resources/push';
export { BucketClient, type UploadOptions, type FileListOptions, type UploadData, type UploadProgress } from './storage/bucket';
export { Realtime, type RecordEvent, type Subscription } from './realtime/realtime';
export { ChannelClient } from './realtime/channel';
export type { FetchLike } from './http';
export type {
  AuthUser,
  AuthSession,
  AuthResponse,
  MfaRequiredResponse,
  VerificationRequiredResponse,
  BaseRecord,
  RecordList,
  Collection,
  Field,
  FieldType,
  CollectionRules,
  ApiKey,
  CreatedApiKey,
  Settings,
  SettingsPatch,
  ErrorCode,
  SessionInfo,
  TotpEnrollment,
  TotpConfirmed,
  OAuth2ProviderInfo,
  Admin,
  Bucket,
  CreateBucketRequest,
  UpdateBucketRequest,
  StoredFile,
  FileList,
  SignedUrlResponse,
  Device,
  RegisteredDevice,
  RegisterDeviceRequest,
  WebPushSubscription,
  PushPlatform,
  SendPushRequest,
  SendPushResponse,
  PushMessage,
  PushPage,
  BroadcastEvent,
  PresenceEvent,
  PresenceState,
  RealtimeMember,
} from '@basalt/contracts';
