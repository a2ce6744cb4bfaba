/** The accounts test servers have (the admin from MASKWATCH_ADMIN_PASSWORD; the operator made on first use). */
export const TEST_ADMIN = { username: 'admin', password: 'sesame for the boss 1' } as const;
export const TEST_OPERATOR = { username: 'operator', password: 'sesame for the watch 1' } as const;
export type TestRole = 'admin' | 'operator';
export const CREDENTIALS: Record<TestRole, { username: string; password: string }> = {
  admin: TEST_ADMIN,
  operator: TEST_OPERATOR,
};
