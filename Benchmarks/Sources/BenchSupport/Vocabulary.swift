/// Word lists for the synthetic catalog. Order matters: `Zipf` gives the first words of a list
/// the highest frequency, so the lists start with what a real stack is full of ("orders",
/// "customer", "daily", "id") and end with rarer words.
enum Vocabulary {
    /// Business domains: the heart of schema, table, DAG and dashboard names.
    static let domains = [
        "orders", "customers", "payments", "products", "sessions", "events", "revenue", "inventory",
        "shipments", "deliveries", "users", "marketing", "campaigns", "refunds", "invoices",
        "subscriptions", "carts", "checkout", "clicks", "pageviews", "accounts", "couriers",
        "warehouses", "suppliers", "returns", "reviews", "promotions", "coupons", "experiments",
        "finance", "ledger", "transactions", "balances", "tickets", "support", "leads",
        "opportunities", "emails", "notifications", "search", "recommendations", "stores", "regions",
        "cities", "employees", "payroll", "budget", "forecast", "fraud", "churn", "ltv", "cohorts",
        "attribution", "ads", "impressions", "installs", "devices", "partners", "vendors",
        "contracts", "pricing", "discounts", "loyalty", "referrals", "surveys", "nps", "catalog",
        "categories", "brands", "assortment", "fulfillment", "routes", "drivers", "slots", "stock",
        "purchases", "procurement", "tax", "fx", "currency", "chargebacks", "disputes", "payouts",
        "merchants", "sellers", "listings", "bids", "auctions", "ratings", "wishlists", "banners",
        "segments", "audiences", "features", "predictions", "models", "labels", "embeddings",
    ]

    /// Words that qualify a table or DAG: grain, freshness, aggregation.
    static let qualifiers = [
        "daily", "weekly", "monthly", "hourly", "latest", "current", "history", "snapshot", "summary",
        "agg", "rollup", "funnel", "first", "last", "active", "new", "repeat", "gross", "net", "total",
        "by_region", "by_day", "by_channel", "by_store", "enriched", "cleaned", "deduped", "joined",
        "pivot", "scd2", "incremental", "full", "backfill", "staging", "base", "core", "legacy", "v2",
        "v3", "unified", "canonical", "sessionized", "attributed", "forecasted", "reconciled",
        "audited", "masked", "sampled", "realtime", "nightly", "quarterly", "yearly", "lifetime",
        "rolling_7d", "rolling_28d", "mtd", "ytd", "wow", "yoy",
    ]

    /// dbt-style layer prefixes, most common first.
    static let layerPrefixes = ["stg", "fct", "dim", "int", "raw", "agg", "rpt", "snap", "base", "tmp"]

    /// Warehouse databases for non-raw tables (schema = layer + "_" + domain).
    static let databases = ["analytics", "ml", "finance", "lake", "sandbox", "marketing"]

    /// Column names, most common first (every table has an id; few have a courier_shift_id).
    static let columns = [
        "id", "created_at", "updated_at", "status", "customer_id", "order_id", "amount", "user_id",
        "name", "type", "date", "currency", "country", "product_id", "quantity", "price", "email",
        "session_id", "event_time", "event_name", "store_id", "region", "city", "channel",
        "is_active", "is_deleted", "source", "category", "brand", "sku", "discount", "tax_amount",
        "gross_amount", "net_amount", "payment_id", "payment_method", "invoice_id", "refund_id",
        "shipment_id", "delivery_id", "courier_id", "warehouse_id", "supplier_id", "campaign_id",
        "ad_id", "device_id", "platform", "os", "app_version", "browser", "page_path", "referrer",
        "utm_source", "utm_medium", "utm_campaign", "started_at", "ended_at", "duration_s",
        "loaded_at", "valid_from", "valid_to", "row_hash", "batch_id", "partition_date",
        "first_order_at", "last_order_at", "order_count", "lifetime_value", "churn_score",
        "predicted_at", "model_version", "label", "score", "rank", "latitude", "longitude",
        "postal_code", "address_id", "phone", "language", "timezone", "segment", "cohort_month",
        "experiment_id", "variant", "exposure_at", "conversion", "revenue", "margin", "cost",
        "fx_rate", "ledger_account", "cost_center", "employee_id", "team", "manager_id", "salary",
        "ticket_id", "priority", "resolved_at", "csat", "nps_score", "review_text", "rating",
        "coupon_code", "promotion_id", "loyalty_tier", "points", "referral_code", "slot_start",
        "slot_end", "route_id", "stop_sequence", "eta", "delivered_at", "courier_shift_id",
    ]

    static let columnTypes = ["varchar", "bigint", "timestamp", "numeric(18,2)", "boolean", "date",
                              "integer", "double", "variant", "array"]

    /// Words of descriptions: English glue words first (they make one- and two-letter prefixes
    /// like "o", "of", "th" match almost every entity, as real prose does), then data words.
    static let prose = [
        "the", "of", "one", "row", "per", "and", "for", "from", "to", "in", "by", "with", "each",
        "is", "a", "on", "table", "data", "this", "all", "model", "used", "are", "at", "or", "as",
        "not", "only", "source", "updated", "loaded", "daily", "after", "before", "when", "which",
        "includes", "excludes", "joined", "raw", "cleaned", "latest", "version", "records", "events",
        "customer", "order", "orders", "payment", "revenue", "product", "session", "user", "store",
        "region", "date", "time", "amount", "status", "value", "values", "key", "keys", "unique",
        "grain", "deduplicated", "filtered", "aggregated", "partitioned", "incremental", "snapshot",
        "history", "current", "late", "arriving", "null", "nulls", "missing", "test", "tests",
        "owner", "team", "ask", "about", "see", "also", "use", "instead", "deprecated", "legacy",
        "replaced", "migration", "backfill", "retention", "days", "hours", "utc", "local", "timezone",
        "currency", "converted", "gross", "net", "tax", "discount", "refunded", "cancelled",
        "delivered", "shipped", "returned", "fraud", "flagged", "reviewed", "manual", "automatic",
        "pipeline", "job", "dag", "task", "dbt", "airflow", "spark", "snowflake", "kafka", "s3",
        "lake", "warehouse", "dashboard", "report", "kpi", "metric", "metrics", "definition",
        "finance", "marketing", "growth", "logistics", "support", "platform", "analytics",
        "engineering", "experiment", "variant", "cohort", "funnel", "attribution", "channel",
        "campaign", "click", "impression", "conversion", "retention", "churn", "lifetime", "score",
        "prediction", "feature", "label", "training", "serving", "online", "offline", "batch",
        "stream", "streaming", "realtime", "hourly", "weekly", "monthly", "quarterly", "fiscal",
        "calendar", "week", "month", "quarter", "year", "ledger", "journal", "account", "balance",
        "invoice", "payout", "merchant", "seller", "courier", "driver", "route", "slot", "warehouse",
        "inventory", "stock", "supplier", "purchase", "assortment", "category", "brand", "price",
        "pricing", "promotion", "coupon", "loyalty", "referral", "survey", "nps", "csat", "ticket",
        "escalation", "sla", "breach", "latency", "freshness", "volume", "anomaly", "alert",
        "monitor", "contract", "schema", "column", "columns", "pii", "masked", "gdpr", "consent",
        "deletion", "request", "audit", "lineage", "upstream", "downstream", "consumer", "producer",
        "reconciled", "reconciliation", "mismatch", "duplicate", "duplicates", "outage", "incident",
        "postmortem", "runbook", "oncall", "paging", "chargeback", "dispute", "sessionization",
        "heuristic", "bot", "bots", "crawler", "geohash", "isochrone", "haversine", "idempotent",
        "watermark", "compaction", "vacuum", "clustering", "zorder", "bloom", "hyperloglog",
    ]

    static let tags = ["pii", "finance", "core", "certified", "deprecated", "experimental", "gdpr",
                       "sox", "tier1", "tier2", "tier3", "marketing", "ml", "realtime", "legacy",
                       "contract", "kpi", "external", "sensitive", "public"]

    static let teamWords = ["analytics", "platform", "data", "insights", "engineering", "science",
                            "ops", "reporting", "growth", "infra", "quality", "governance"]

    static let firstNames = [
        "maya", "chen", "priya", "tomas", "jun", "sofia", "dev", "hannah", "luis", "amara", "noor",
        "felix", "grace", "rafael", "omar", "lena", "ivan", "aiko", "kofi", "elena", "mateo", "zara",
        "yusuf", "ingrid", "arjun", "lucia", "kenji", "fatima", "oscar", "nadia", "pavel", "chloe",
        "samir", "freya", "diego", "mei", "tariq", "olga", "hugo", "ada", "bruno", "leila", "emil",
        "rosa", "kwame", "sana", "nils", "carmen", "ravi", "ines",
    ]
    static let lastNames = [
        "okafor", "wei", "raman", "lindqvist", "park", "marin", "patel", "berg", "ortega", "nwosu",
        "haddad", "wagner", "kim", "costa", "silva", "novak", "tanaka", "mensah", "garcia", "ivanova",
        "schmidt", "rossi", "dubois", "khan", "nakamura", "oliveira", "jensen", "murphy", "kowalski",
        "nguyen", "sato", "ahmed", "fischer", "moreau", "santos", "yilmaz", "andersen", "horvat",
        "popescu", "el-amin", "larsen", "bianchi", "castro", "mwangi", "singh", "cohen", "ferreira",
        "hoffmann", "petrov", "achebe",
    ]

    static let taskVerbs = ["extract", "load", "transform", "dbt_run", "dbt_test", "check", "export",
                            "sync", "publish", "wait_for", "sensor", "compact", "vacuum", "notify",
                            "train", "score", "validate", "snapshot", "backfill", "refresh"]
    static let operators = ["PythonOperator", "BashOperator", "DbtRunOperator", "SnowflakeOperator",
                            "SparkSubmitOperator", "ExternalTaskSensor", "S3KeySensor",
                            "KubernetesPodOperator", "EmailOperator", "TriggerDagRunOperator"]
    static let schedules = ["@daily", "@hourly", "0 3 * * *", "0 */4 * * *", "30 6 * * 1", "@weekly",
                            "*/15 * * * *", "0 1 1 * *", nil]

    static let stages = ["extract", "load", "storage", "transform", "orchestrate", "serve", "ml",
                         "observe", "govern", "platform"]
    static let tools = ["postgres", "debezium", "fivetran", "airbyte", "segment", "kafka", "kinesis",
                        "snowpipe", "s3", "snowflake", "redshift", "bigquery", "hive", "dbt", "spark",
                        "trino", "airflow", "dagster", "looker", "tableau", "hightouch", "mlflow",
                        "feast", "great-expectations", "monte-carlo", "datahub", "kubernetes",
                        "terraform"]
}
