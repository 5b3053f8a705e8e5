export const ADMIN_PASSWORD_MIN = 10;
