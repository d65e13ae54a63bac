/** @module placeholder */
/** The dashboard page. */
export const DASHBOARD_HTML: string = "<!doctype html><title>hive sim</title>";
