#!/usr/bin/env python3
"""Generate the dbt graph-selector reference fixtures in Tests/Fixtures/dbt-ls/.

strata's lineage selectors (`+x`, `x+`, `n+x`, `x+n`, `+x+`, `@x`, space =
union, comma = intersection, `--exclude`, `tag:`/`path:`/`package:`/...)
must answer exactly like dbt's. This script asks dbt itself: for each corpus
manifest it loads the manifest into dbt-core's own `Manifest`, builds dbt's
graph with dbt's `Linker`, and resolves every selector with the selector
class and spec parser that `dbt ls` uses. The answers are written as JSON,
one file per project, for the Swift tests to compare against.

dbt version used for the committed fixtures: dbt-core 1.11.16 (the version
that wrote the corpus manifests; manifest schema v12).

Regenerate (from the repository root; the venv lives outside the repo):

    python3 -m venv /work/dbt-venv
    /work/dbt-venv/bin/pip install 'dbt-core==1.11.16'
    /work/dbt-venv/bin/python scripts/dbt_ls_fixtures.py \
        --corpus /work/shared/corpus --out Tests/Fixtures/dbt-ls

Optional: `--tree PROJECT=DIR` points `path:` selection at a real checkout
of the project instead of the stand-in tree rebuilt from the manifest (see
below); `--check-tree PROJECT=DIR` computes both and fails if any answer
differs. `--only PROJECT` limits the run to one project.
`--dbt-ls-check PROJECT=DIR [--dbt-ls-profiles PROJECT=PROFILES_DIR]` also
runs the real `dbt ls` CLI (in-process dbtRunner) in DIR, a checkout of the
project with its packages in dbt_packages/, for every case and fails on any
difference; this needs the project's adapter installed (dbt-duckdb 1.11.1
for jaffle_shop, dbt-snowflake 1.12.3 for mattermost_analytics,
dbt-bigquery 1.12.1 for calitp_warehouse, all with dbt-core==1.11.16) and a
profile for it with dummy credentials (ls parses, it never connects). The
committed fixtures were produced by one run with --check-tree and
--dbt-ls-check for all three projects (checkouts: dbt-labs/jaffle_shop
@ b0b77aac70f4; mattermost/mattermost-data-warehouse @ 61af2424d790
transform/mattermost-analytics with dbt-utils 1.3.0, dbt-codegen 0.13.1,
dbt-project-evaluator v0.14.3, dbt-snowflake-query-tags 2.6.0;
cal-itp/data-infra @ f20856f3f4cf warehouse/ with dbt-utils 1.3.3,
dbt-expectations 0.10.9, dbt-date 0.17.2 -- re-parsing each gives the same
nodes, edges, fqns, tags and paths as the corpus manifest); the "method"
field of each fixture says which checks passed.

How each answer is computed (mirrors `dbt ls --select S --exclude E` in
dbt/task/list.py + dbt/task/runnable.py + dbt/graph/*.py of dbt-core 1.11):

1. `WritableManifest.read_and_check_versions(path)` then
   `Manifest.from_writable_manifest(...)` (gzipped manifests are unpacked
   to a temporary file first). Generic data tests are then rebuilt as
   GenericTestNode (see repair_generic_tests: reading manifest.json back
   loses their class, which `test_name:`/`test_type:` need).
2. `Linker().link_graph(manifest)` -> `Graph(linker.graph)`; this is what
   `Compiler.compile(manifest)` does for `ls` (no test edges: those are
   added only for `dbt build`).
3. Global flags are built by click exactly as the CLI would for
   `dbt ls --select S [--exclude E]` (`Flags(args_to_context([...]))`), so
   INDIRECT_SELECTION has its default, `eager`.
4. `spec = parse_difference(flags.SELECT, flags.EXCLUDE)` (what
   `GraphRunnableTask.get_selection_spec` does without `--selector`).
5. `ResourceTypeSelector(graph, manifest, previous_state=None,
   resource_types=ListTask.DEFAULT_RESOURCE_VALUES, include_empty_nodes=True)`
   `.get_selected(spec)` inside `task_contextvars(project_root=ROOT)`; this
   is `ListTask._iterate_selected_nodes`. The default resource types of
   `ls` are everything except analyses (and operations/hooks, which `ls`
   never lists).
6. Any exception raised while parsing or selecting is recorded as
   `{"error": <message>, "error_type": <class name>}` (dbt prints the same
   message after "Encountered an error:\\nRuntime Error").

`path:` selection is the one method that reads the file system: dbt globs
the selector value under the project root and compares the globbed paths
with each node's `original_file_path` (and its parents) and `patch_path`.
The corpus only has manifests, so unless `--tree` is given the script
rebuilds the project's file layout in a temporary directory from the paths
recorded in the manifest (every file of the root package that any manifest
entry names, plus dbt_project.yml). Package nodes keep their
package-relative paths, as in dbt.

Fixture shape:
    {"manifest": path relative to the corpus folder,
     "dbt_version": dbt-core version that computed the answers,
     "method": prose description of the above,
     "resource_types": {unique_id: resource_type} for every id in any answer,
     "cases": [{"select": str|null, "exclude": str|null, "ids": [sorted ids]}
               or {"select": ..., "exclude": ..., "error": str, "error_type": str},
               optional "note": str]}
`ids` keep every resource type dbt returns (tests, exposures, sources,
seeds, ...); the Swift side filters what it does not show.
"""

import argparse
import gzip
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

# --------------------------------------------------------------------------
# Selector cases per project. NODE_FORMS are applied to every node listed
# under "nodes"; a node is written the way a user would type it (bare
# name, or `source:`/`exposure:` for those resource types).
# --------------------------------------------------------------------------

NODE_FORMS = ["{n}", "+{n}", "{n}+", "1+{n}", "{n}+1", "2+{n}", "+{n}+", "@{n}"]

# dbt's model governance methods and config keys, asked of every project (none
# of the corpus projects declares groups or versions, so these pin dbt's
# defaults: every model is protected and unversioned).
GOVERNANCE_CASES = [
    ("access:protected", None, "access: models at an access level (protected is dbt's default)"),
    ("access:public", None, "no public models: empty"),
    ("+access:protected,resource_type:seed", None, "access under a graph operator"),
    ("group:*", None, "group: globbed; no groups here: empty"),
    ("version:none", None, "version: unversioned models"),
    ("version:latest", None, "no versioned models: empty"),
    ("version:newest", None, "version: takes latest, prerelease, old or none"),
    # config.KEY: on any key of a node's config, as dbt compares it.
    ("config.enabled:true", None, "config: a boolean"),
    ("config.enabled:TRUE", None, "config: true/false in any case"),
    ("config.contract.enforced:false", None, "config: a nested key"),
    ("config.on_schema_change:ignore", None, "config: a string default"),
    ("config.docs.show:true", None, None),
    ("config.post-hook:x", None, "config: a list key nobody fills: empty"),
    ("config.no_such_key:x", None, "config: a key nobody has: empty"),
]

PROJECTS = {
    "jaffle_shop": {
        "manifest": "dbt/jaffle_shop/manifest.json",
        "nodes": [
            ("customers", "leaf mart, most ancestors"),
            ("orders", "mart with many tests incl. a relationships test to customers"),
            ("stg_orders", "staging model"),
            ("stg_customers", "staging model"),
            ("stg_payments", "staging model"),
            ("raw_orders", "seed"),
            ("raw_customers", "seed"),
            ("raw_payments", "seed"),
            ("unique_stg_orders_order_id", "a data test selected by its bare name"),
        ],
        "extra": GOVERNANCE_CASES + [
            ("config.materialized:table", None, "config method: models materialized as tables"),
            ("config.materialized:view", None, None),
            ("config.materialized:seed", None, "seeds have materialized: seed"),
            ("+config.materialized:table", None, "graph operator around a config selector"),
            ("config.materialized:view,+customers", None, "config intersected with a closure"),
            (None, None, "no --select: dbt's default includes (fqn:*, source:*, exposure:*, metric:*, semantic_model:*)"),
            ("+customers +orders", None, "union"),
            ("+customers,+orders", None, "intersection"),
            ("+orders,stg_orders+", None, "intersection of ancestors and descendants"),
            ("stg_orders+ stg_payments+", None, "union"),
            ("1+customers+1", None, "depth on both sides"),
            ("3+customers", None, "depth 3"),
            ("customers+0", None, "explicit depth 0"),
            ("0+customers", None, "explicit depth 0"),
            ("+customers", "stg_orders", "exclude also drops the excluded node's tests"),
            ("+customers", "+stg_orders", "exclude with graph operator"),
            ("stg_orders+", "orders", "exclude drops tests attached to orders, incl. the relationships test"),
            ("+customers", "resource_type:test", "exclude all tests"),
            ("+customers", "customers orders", "exclude is a union too"),
            ("+customers,resource_type:model", None, "intersection with resource_type"),
            ("resource_type:seed", None, "resource_type criterion also pulls in tests on the seeds"),
            ("resource_type:model", None, None),
            ("resource_type:test", None, None),
            ("path:models/staging", None, "path: directory"),
            ("models/staging", None, "a value containing '/' defaults to the path method"),
            ("path:models", None, None),
            ("path:models/staging/schema.yml", None, "path: of a yml file matches nodes patched by it and tests defined in it"),
            ("path:models/*.sql", None, "path: glob"),
            ("path:seeds", None, None),
            ("package:jaffle_shop", None, None),
            ("package:this", None, "'this' means the root project"),
            ("staging", None, "bare value matching an fqn directory part"),
            ("staging.*", None, "fqn wildcard"),
            ("stg_*", None, "bare wildcard matches fqn leaf"),
            ("jaffle_shop", None, "bare project name matches every node by fqn prefix"),
            ("jaffle_shop.staging.stg_orders", None, "fully qualified fqn"),
            ("staging.stg_orders", None, "fqn without package"),
            ("fqn:stg_orders", None, "explicit fqn method"),
            ("stg_orders.sql", None, "a value ending in .sql defaults to the file method"),
            ("file:stg_orders", None, "file: matches the file stem too"),
            ("test_name:relationships", None, None),
            ("test_type:generic", None, None),
            ("+test_name:relationships", None, "graph operator on a test criterion"),
            ("tag:nightly", None, "no such tag: empty result, not an error"),
            ("no_such_model", None, "no match: empty result, not an error"),
            ("STG_ORDERS", None, "fqn matching is case sensitive"),
            ("1+@orders", None, "'@' after a depth prefix is not an operator: fqn value '@orders', no match, no error"),
            ("orders+customers", None, "'+' in the middle is part of the fqn value: no match"),
            ("+orders +orders", None, "duplicate union members"),
            ("+orders,+orders", None, "self intersection"),
        ],
        "errors": [
            ("@stg_orders+", None),
            ("@orders+1", None),
            ("foo:bar", None),
            ("resource_type:bogus", None),
            ("source:a.b.c.d", None),
            ("stg_orders", "@orders+"),
        ],
    },
    "mattermost_analytics": {
        "manifest": "dbt/mattermost_analytics/manifest.json.gz",
        "nodes": [
            ("rpt_won_opportunities", "report with many ancestors (33)"),
            ("dim_projects", "mart with tests, feeds an exposure; @ pulls in dim_labels' side via multi-parent tests"),
            ("fct_onprem_trial_requests_history", "mart with 7 tests"),
            ("int_cloud_trial_requests", "intermediate, mid-graph"),
            ("stg_salesforce__user", "staging model"),
            ("country_codes", "seed with a test"),
            ("source:cws.trialrequestlicenses", "source (source_name.table) with tests"),
            ("exposure:subscription_history", "exposure"),
            ("fct_model_directories", "model from installed package dbt_project_evaluator (depends on a root-project seed)"),
            ("assert_valid_sku_names", "three data tests share this bare name"),
            ("active_user_base", "ambiguous bare name: an analysis (hidden by ls) and a nested fqn directory (not matched)",
             ["{n}", "+{n}", "1+{n}", "{n}+", "@{n}"]),
            ("stg_info__does_not_exist", "no such node", ["{n}", "+{n}", "@{n}"]),
        ],
        "extra": GOVERNANCE_CASES + [
            ("config.tags:nightly", None, "config: a list holding the value"),
            ("config.schema:dbt_staging", None, None),
            ("config.incremental_strategy:delete+insert", None, "a '+' inside a method's value is part of it"),
            ("config.unique_key:event_id", None, None),
            ("+config.snowflake_warehouse:transform_l", None, "config under a graph operator"),
            ("config.tags:nightly,config.schema:int_product", None, None),
            ("config.materialized:incremental", None, None),
            ("config.materialized:ephemeral", None, None),
            ("config.materialized:table,package:mattermost_analytics", None, None),
            ("config.materialized:incremental+1", None, None),
            ("subscription_history", None, "exposure by bare name: the fqn method searches exposures too"),
            ("product_pulse", None, "exposure by bare name"),
            ("+dim_projects +dim_labels", None, "union"),
            ("+fct_active_users,+dim_server_info", None, "intersection"),
            ("+rpt_won_opportunities,+dim_projects", None, "disjoint intersection: empty"),
            ("+rpt_won_opportunities", "stg_cws__license", None),
            ("+rpt_won_opportunities", "+stg_cws__license", None),
            ("dim_projects+1 dim_labels+1", None, None),
            ("tag:sales", None, None),
            ("tag:looker", None, None),
            ("tag:sales,tag:marts", None, "intersection of tags"),
            ("path:models/reports", None, None),
            ("path:models/reports/product/active_user_base", None, None),
            ("path:models/marts/core", None, "only package dbt_project_evaluator has models/marts/core; dbt globs the root project, so nothing"),
            ("path:models/staging/graph", None, "only package files live at models/staging/graph: nothing"),
            ("path:models/staging,package:dbt_project_evaluator", None, "package nodes whose package-relative path is under the root project's models/staging DO match"),
            ("package:dbt_project_evaluator", None, None),
            ("package:dbt_proj*,resource_type:test", None, "package: takes a glob"),
            ("resource_type:seed", None, "seeds plus tests on them"),
            ("resource_type:exposure", None, None),
            ("resource_type:analysis", None, "analyses are selectable but ls does not list them by default"),
            ("resource_type:operation", None, "hooks: never listed by ls"),
            ("+rpt_won_opportunities,resource_type:model", None, "resource_type:model also carries the tests on every model"),
            ("source:cws", None, "every table of a source"),
            ("source:cws+1", None, "every table of a source, one hop down"),
            ("source:mattermost_analytics.cws.trialrequestlicenses", None, "package.source.table"),
            ("source:cws.trial*", None, "source table glob"),
            ("exposure:*", None, None),
            ("1+fct_model_directories", "package:dbt_project_evaluator", None),
            ("dbt_project_evaluator_exceptions", None, "root seed; the package seed of the same name is disabled"),
            ("reports", None, "bare fqn directory (top level under the package)"),
            ("dbt_project_evaluator.staging", None, "package-qualified fqn directory"),
            ("fct_feature_daily_snapshot+", None, "feeds two exposures"),
            ("config:view", None, "config: without a key compares the whole config object: nothing, no error"),
        ],
        "errors": [
            ("@dim_projects+", None),
            ("+dim_projects", "@dim_labels+"),
            ("test_type:foo", None),
            ("exposure:a.b.c", None),
        ],
    },
    "calitp_warehouse": {
        "manifest": "dbt/calitp_warehouse/manifest.json.gz",
        "nodes": [
            ("v2_payments_reliability_weekly_unlabeled_routes_enghouse", "leaf mart with 59 ancestors"),
            ("fct_payments_settlements_enghouse", "mart with 6 tests"),
            ("fct_elavon__transactions", "mart"),
            ("int_elavon__adjustment_transactions", "intermediate model"),
            ("stg_enghouse__deduped_transactions", "staging model with 7 tests"),
            ("stg_enghouse__transactions", "staging model"),
            ("transit_facilities", "seed"),
            ("source:external_enghouse.taps", "source"),
            ("exposure:calitp_map_tile_server", "exposure"),
            ("exposure:hqta_map_tiles", "exposure fed directly by sources"),
            ("stg_info__jobs_by_project", "disabled model: selects nothing", ["{n}", "+{n}", "{n}+"]),
            ("int_payments__filtered_micropayments", "intermediate with multi-parent singular tests (so @ differs from +)"),
            ("fct_payments_aggregations", "mart with 130 ancestors, relationships tests from other marts",
             ["{n}", "+{n}", "{n}+", "1+{n}", "2+{n}", "{n}+1"]),
        ],
        "extra": GOVERNANCE_CASES + [
            ("config.labels.domain:mart", None, "config: a nested user key"),
            ("config.persist_docs.relation:true", None, None),
            ("config.schema:mart_ntd_annual_reporting", None, None),
            ("config.materialized:incremental", None, None),
            ("config.materialized:table,tag:tides_product", None, None),
            ("+fct_payments_settlements_enghouse +fct_elavon__transactions", None, "union"),
            ("+fct_payments_settlements_enghouse,+v2_payments_reliability_weekly_unlabeled_routes_enghouse", None, "intersection"),
            ("+v2_payments_reliability_weekly_unlabeled_routes_enghouse", "stg_enghouse__deduped_transactions", None),
            ("+fct_tides_trips_performed", None, "mart with 118 ancestors"),
            ("tag:tides_product", None, None),
            ("path:models/staging/payments/enghouse", None, None),
            ("package:calitp_warehouse,resource_type:exposure", None, None),
            ("resource_type:seed", None, None),
            ("+fct_payments_settlements_enghouse,resource_type:model", None, None),
            ("source:external_enghouse", None, "every table of a source"),
            ("fct_payments_*", None, "bare wildcard"),
            ("stg_enghouse__deduped_transactions+1", "resource_type:test", None),
            ("payments_entity_mapping", None, "seed by bare name"),
        ],
        "errors": [
            ("@fct_payments_settlements_enghouse+", None),
            ("source:external_enghouse.taps.x.y", None),
        ],
    },
}

METHOD = (
    "dbt-core {ver} Python API, same code path as `dbt ls --select S --exclude E` "
    "with default flags: WritableManifest.read_and_check_versions + "
    "Manifest.from_writable_manifest; Linker().link_graph(manifest) (no test edges, as for ls); "
    "flags from click args_to_context(['ls','--select',S,'--exclude',E]) (indirect selection eager); "
    "dbt.graph.parse_difference(flags.SELECT, flags.EXCLUDE); "
    "ResourceTypeSelector(resource_types=ListTask.DEFAULT_RESOURCE_VALUES, include_empty_nodes=True)"
    ".get_selected(spec) under task_contextvars(project_root=ROOT). "
    "path: selection globbed against {tree}. "
    "Generated by scripts/dbt_ls_fixtures.py."
)


def load_manifest(path):
    from dbt.contracts.graph.manifest import Manifest, WritableManifest

    tmp = None
    if path.endswith(".gz"):
        fd, tmp = tempfile.mkstemp(suffix=".json")
        with os.fdopen(fd, "wb") as out, gzip.open(path, "rb") as src:
            shutil.copyfileobj(src, out)
        path = tmp
    try:
        writable = WritableManifest.read_and_check_versions(path)
        with open(path) as fh:
            raw = json.load(fh)
    finally:
        if tmp:
            os.unlink(tmp)
    manifest = Manifest.from_writable_manifest(writable)
    repair_generic_tests(manifest, raw)
    return manifest, raw


def repair_generic_tests(manifest, raw):
    """Give generic data tests back their GenericTestNode class.

    WritableManifest types `nodes` as a Union in which SingularTest comes
    before GenericTest, so reading a manifest.json turns every generic test
    into a SingularTestNode without `test_metadata`. A parsed project (what
    `dbt ls` sees) has GenericTestNode there, and `test_name:` /
    `test_type:` depend on it. Rebuild those nodes from their JSON with the
    right class; nothing else about them changes.
    """
    from dbt.artifacts.resources import GenericTest
    from dbt.contracts.graph.nodes import GenericTestNode

    for uid, entry in raw["nodes"].items():
        if entry.get("resource_type") == "test" and entry.get("test_metadata"):
            manifest.nodes[uid] = GenericTestNode.from_resource(GenericTest.from_dict(entry))
    for uid, entry in raw["nodes"].items():
        node = manifest.nodes[uid]
        assert str(node.resource_type) == entry["resource_type"], uid
        assert list(node.fqn) == entry["fqn"], uid


def build_graph(manifest):
    from dbt.compilation import Linker
    from dbt.graph import Graph

    linker = Linker()
    linker.link_graph(manifest)
    return Graph(linker.graph)


def rebuild_tree(raw, root):
    """Lay out (empty) every root-package file the manifest mentions."""
    project = raw["metadata"]["project_name"]
    files = {"dbt_project.yml"}
    for section in ("nodes", "sources", "exposures", "metrics", "semantic_models",
                    "saved_queries", "unit_tests", "macros", "docs", "groups", "functions"):
        for entry in (raw.get(section) or {}).values():
            if entry.get("package_name") != project:
                continue
            if entry.get("original_file_path"):
                files.add(entry["original_file_path"])
            if entry.get("patch_path"):
                files.add(entry["patch_path"].split("://", 1)[1])
    for entries in (raw.get("disabled") or {}).values():
        for entry in entries:
            if entry.get("package_name") == project and entry.get("original_file_path"):
                files.add(entry["original_file_path"])
    for rel in files:
        rel = rel[2:] if rel.startswith("./") else rel
        p = Path(root) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.touch()


def make_flags(select, exclude, root):
    from dbt.cli.flags import Flags, args_to_context
    from dbt.flags import set_flags

    # --profiles-dir/--project-dir only have to exist for click's validation;
    # no profile or project file is read.
    args = ["ls", "--profiles-dir", str(root), "--project-dir", str(root)]
    if select is not None:
        args += ["--select", select]
    if exclude is not None:
        args += ["--exclude", exclude]
    flags = Flags(args_to_context(args))
    set_flags(flags)
    return flags


def run_case(manifest, graph, root, select, exclude):
    from dbt.graph import ResourceTypeSelector, parse_difference
    from dbt.task.list import ListTask
    from dbt_common.events.contextvars import task_contextvars

    flags = make_flags(select, exclude, root)
    try:
        with task_contextvars(project_root=str(root)):
            spec = parse_difference(flags.SELECT, flags.EXCLUDE)
            selector = ResourceTypeSelector(
                graph=graph,
                manifest=manifest,
                previous_state=None,
                resource_types=list(ListTask.DEFAULT_RESOURCE_VALUES),
                include_empty_nodes=True,
            )
            return {"ids": sorted(selector.get_selected(spec))}
    except Exception as exc:  # dbt's own rejection of the selector
        msg = getattr(exc, "msg", None) or str(exc)
        return {"error": str(msg), "error_type": type(exc).__name__}


def all_cases(cfg):
    for node, why, *forms in cfg["nodes"]:
        for form in (forms[0] if forms else NODE_FORMS):
            yield form.format(n=node), None, why if form == "{n}" else None
    for sel, exc, why in cfg["extra"]:
        yield sel, exc, why
    for sel, exc in cfg["errors"]:
        yield sel, exc, "dbt rejects this"


def resource_type_of(raw, uid):
    for section in ("nodes", "sources", "exposures", "metrics", "semantic_models",
                    "saved_queries", "unit_tests", "functions"):
        entry = (raw.get(section) or {}).get(uid)
        if entry is not None:
            return entry["resource_type"]
    raise KeyError(uid)


def generate(name, cfg, corpus, tree):
    import dbt.version

    manifest, raw = load_manifest(str(Path(corpus) / cfg["manifest"]))
    graph = build_graph(manifest)
    tmpdir = None
    if tree is None:
        tmpdir = tempfile.mkdtemp(prefix=f"dbt-tree-{name}-")
        rebuild_tree(raw, tmpdir)
        root, tree_desc = tmpdir, "a stand-in project tree rebuilt from the file paths in the manifest"
    else:
        root, tree_desc = tree, "a checkout of the real project"
    try:
        cases = []
        for sel, exc, why in all_cases(cfg):
            case = {"select": sel, "exclude": exc}
            case.update(run_case(manifest, graph, root, sel, exc))
            if why:
                case["note"] = why
            cases.append(case)
    finally:
        if tmpdir:
            shutil.rmtree(tmpdir)
    ids = sorted({i for c in cases for i in c.get("ids", [])})
    return {
        "manifest": cfg["manifest"],
        "dbt_version": dbt.version.__version__,
        "method": METHOD.format(ver=dbt.version.__version__, tree=tree_desc),
        "resource_types": {i: resource_type_of(raw, i) for i in ids},
        "cases": cases,
    }


def dbt_ls_check(doc, project_dir, profiles_dir=None):
    """Run the real `dbt ls` CLI (dbtRunner, in-process) on a checkout of the
    project (with its packages in dbt_packages/) for every case and compare
    with the fixture answers. Needs the project's adapter installed and a
    profiles dir for it (no connection is made: ls only parses); without
    one, a duckdb profile is written (needs dbt-duckdb)."""
    import yaml
    from dbt.cli.main import dbtRunner

    project_dir = os.path.abspath(project_dir)
    work = tempfile.mkdtemp(prefix="dbt-ls-check-")
    if profiles_dir is None:
        with open(os.path.join(project_dir, "dbt_project.yml")) as fh:
            profile = yaml.safe_load(fh)["profile"]
        outputs = {"type": "duckdb", "path": os.path.join(work, "check.duckdb")}
        with open(os.path.join(work, "profiles.yml"), "w") as fh:
            yaml.safe_dump({profile: {"target": "check", "outputs": {"check": outputs}}}, fh)
        profiles_dir = work
    mismatches = 0
    try:
        for case in doc["cases"]:
            args = ["--quiet", "--no-use-colors", "--log-path", os.path.join(work, "logs"),
                    "ls", "--project-dir", project_dir, "--profiles-dir", profiles_dir,
                    "--target-path", os.path.join(work, "target"),
                    "--output", "json", "--output-keys", "unique_id"]
            if case["select"] is not None:
                args += ["--select", case["select"]]
            if case["exclude"] is not None:
                args += ["--exclude", case["exclude"]]
            res = dbtRunner().invoke(args)
            if res.success:
                got = {"ids": sorted(json.loads(line)["unique_id"] for line in res.result or [])}
            else:
                exc = res.exception
                got = {"error": str(getattr(exc, "msg", None) or exc)}
            want = {k: case[k] for k in got if k in case}
            if got != want or ("error" in case) != ("error" in got):
                mismatches += 1
                print(f"dbt ls MISMATCH {case['select']!r} --exclude {case['exclude']!r}: "
                      f"fixture={case.get('ids', case.get('error'))} dbt_ls={got}", file=sys.stderr)
    finally:
        shutil.rmtree(work)
    print(f"real dbt ls on {project_dir}: {len(doc['cases']) - mismatches}/{len(doc['cases'])} "
          f"cases identical", file=sys.stderr)
    return mismatches


def dump(doc):
    """Indented JSON (ids one per line, so regenerations diff cleanly)."""
    return json.dumps(doc, indent=1, sort_keys=False) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", default="/work/shared/corpus")
    ap.add_argument("--out", default="Tests/Fixtures/dbt-ls")
    ap.add_argument("--only", action="append", help="project name (repeatable)")
    ap.add_argument("--tree", action="append", default=[], metavar="PROJECT=DIR")
    ap.add_argument("--check-tree", action="append", default=[], metavar="PROJECT=DIR")
    ap.add_argument("--dbt-ls-check", action="append", default=[], metavar="PROJECT=DIR",
                    help="also run the real `dbt ls` in DIR (a checkout of the project) "
                         "for every case and compare")
    ap.add_argument("--dbt-ls-profiles", action="append", default=[], metavar="PROJECT=DIR",
                    help="profiles dir for --dbt-ls-check (default: a generated duckdb profile)")
    args = ap.parse_args(argv)
    trees = dict(t.split("=", 1) for t in args.tree)
    checks = dict(t.split("=", 1) for t in args.check_tree)
    ls_checks = dict(t.split("=", 1) for t in args.dbt_ls_check)
    ls_profiles = dict(t.split("=", 1) for t in args.dbt_ls_profiles)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    for name, cfg in PROJECTS.items():
        if args.only and name not in args.only:
            continue
        doc = generate(name, cfg, args.corpus, trees.get(name))
        if name in checks:
            other = generate(name, cfg, args.corpus, checks[name])
            diff = [a["select"] for a, b in zip(doc["cases"], other["cases"]) if a != b]
            if diff:
                print(f"{name}: tree mismatch for {diff}", file=sys.stderr)
                status = 1
            else:
                print(f"{name}: rebuilt tree and {checks[name]} agree on all cases", file=sys.stderr)
                doc["method"] += (" Checked: the same run with path: globbed against a checkout of the "
                                  "real project gave identical answers for every case.")
        if name in ls_checks:
            if dbt_ls_check(doc, ls_checks[name], ls_profiles.get(name)):
                status = 1
            else:
                doc["method"] += (f" Cross-checked: the real `dbt ls --select S --exclude E --output json` "
                                  f"(dbtRunner, dbt-core {doc['dbt_version']}, the project's adapter, no "
                                  f"connection) on a checkout of the project at the commit the manifest was "
                                  f"parsed from, with its packages, returned identical ids/errors for all "
                                  f"{len(doc['cases'])} cases.")
        text = dump(doc)
        (out / f"{name}.json").write_text(text)
        n_err = sum(1 for c in doc["cases"] if "error" in c)
        print(f"{name}: {len(doc['cases'])} cases ({n_err} errors), {len(text)} bytes", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
