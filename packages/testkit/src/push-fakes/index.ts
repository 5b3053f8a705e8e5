export * from './test-certificates';
export * from './delivery-ledger';
export * from './fcm-fake';
export * from './apns-fake';
export * from './webpush-fake';
