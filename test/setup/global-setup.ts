/** Placeholder replaced by the database bootstrap (embedded PostgreSQL for the test run). */
export default async function setup() {
  return async () => {};
}
