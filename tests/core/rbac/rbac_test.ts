import { equal, match, throws } from "@std/assert";
import { Rbac, rbacConfigSchema, topicMatches } from "../../../core/rbac/rbac.ts";

Deno.test("topic patterns: * is one segment, ** any number", () => {
  equal(topicMatches("/hive/chat/*", "/hive/chat/general"), true);
  equal(topicMatches("/hive/chat/*", "/hive/chat/a/b"), false);
  equal(topicMatches("/hive/chat/*", "/hive/chat/"), false);
  equal(topicMatches("/hive/chat/*", "/hive/chat"), false);
  equal(topicMatches("/hive/tasks/**", "/hive/tasks"), true);
  equal(topicMatches("/hive/tasks/**", "/hive/tasks/a/b/c"), true);
  equal(topicMatches("/hive/tasks/**", "/hive/taskset"), false);
  equal(topicMatches("/hive/**/done", "/hive/tasks/x/done"), true);
  equal(topicMatches("/hive/**/done", "/hive/done"), true);
  equal(topicMatches("/hive/agents", "/hive/agents"), true);
  equal(topicMatches("/hive/agents", "/hive/agents/x"), false);
});

Deno.test("the default roles and denials that name the role and the rule", () => {
  const rbac = new Rbac(rbacConfigSchema.parse({}));
  equal(rbac.publishDenial("operator", "/hive/chat/general"), null);
  equal(rbac.publishDenial("operator", "/hive/tasks/build/1"), null);
  const denied = rbac.publishDenial("observer", "/hive/chat/general");
  match(denied ?? "", /role observer may not publish on \/hive\/chat\/general/);
  match(denied ?? "", /rbac\.roles\.observer\.publish allows \/hive\/agents, \/hive\/docs/);
  match(rbac.publishDenial("ghost", "/hive/chat/x") ?? "", /role ghost is not in the rbac config/);
  equal(rbac.subscribeDenial("observer", "/hive/tasks/x") !== null, true);
  equal(rbac.can("operator", "documents.write"), true);
  equal(rbac.can("observer", "documents.write"), false);
});

Deno.test("a config replaces the roles and is validated", () => {
  const rbac = new Rbac(rbacConfigSchema.parse({
    roles: { dev: { publish: ["/hive/tasks/**"], capabilities: ["tasks"] } },
  }));
  equal(rbac.roles().join(","), "dev");
  equal(rbac.publishDenial("dev", "/hive/tasks/a"), null);
  match(rbac.subscribeDenial("dev", "/hive/tasks/a") ?? "", /allows nothing/);
  throws(() => rbacConfigSchema.parse({ roles: { Dev: {} } }));
  throws(() => rbacConfigSchema.parse({ roles: { dev: { publish: ["hive/x"] } } }));
});
