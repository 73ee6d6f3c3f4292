import Foundation
import StrataLogs
import Testing

func analyze(_ text: String) -> LogAnalysis {
    Array(text.utf8).withUnsafeBytes { RootCauseScanner().analyze(bytes: $0, name: "test.log") }
}

/// One small, realistic log per family of failure. Each asserts the line and kind.
@Suite struct RuleFamilyTests {
    let af = "[2024-05-01T10:00:00.000+0000] "

    @Test func javaDeepestCausedByWithMore() {
        let log = """
            24/05/01 10:00:00 INFO SparkContext: Running Spark version 3.5.1
            24/05/01 10:00:05 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)
            org.apache.spark.SparkException: Failed to execute user defined function
            \tat org.apache.spark.sql.errors.QueryExecutionErrors$.failedExecuteUserDefinedFunctionError(QueryExecutionErrors.scala:198)
            \tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:620)
            Caused by: java.lang.IllegalStateException: bad state in parser
            \tat com.acme.Parser.parse(Parser.java:42)
            \t... 12 more
            Caused by: java.lang.NumberFormatException: For input string: "12,5"
            \tat java.base/java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)
            \t... 14 more
            24/05/01 10:00:06 INFO SparkContext: Invoking stop() from shutdown hook
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 9)
        #expect(r?.kind == "java_exception")
        #expect(r?.chain.map(\.line) == [3, 6, 9])
    }

    @Test func py4jWrappingAJavaChain() {
        let log = """
            Traceback (most recent call last):
              File "/opt/job/etl.py", line 40, in <module>
                df.write.mode("overwrite").parquet(out)
              File "/usr/lib/spark/python/pyspark/sql/readwriter.py", line 1721, in parquet
                self._jwrite.parquet(path)
            py4j.protocol.Py4JJavaError: An error occurred while calling o93.parquet.
            : org.apache.spark.SparkException: Job aborted due to stage failure: Task 3 in stage 2.0 failed 4 times, most recent failure: Lost task 3.3 in stage 2.0 (TID 41) (10.0.0.7 executor 2): java.io.FileNotFoundException: No such file or directory: s3a://lake/raw/part-0003.parquet
            \tat org.apache.hadoop.fs.s3a.S3AFileSystem.s3GetFileStatus(S3AFileSystem.java:3866)
            \tat org.apache.spark.executor.Executor$TaskRunner.run(Executor.scala:620)
            
            Driver stacktrace:
            \tat org.apache.spark.scheduler.DAGScheduler.failJobAndIndependentStages(DAGScheduler.scala:2898)
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 7)
        #expect(r?.kind == "java_exception")
        #expect(r?.text.contains("most recent failure: Lost task") == true)
    }

    @Test func oomExitCode137AndKilled() {
        let bash = """
            \(af){subprocess.py:99} INFO - Output:
            \(af){subprocess.py:106} INFO - loading 48213991 rows into memory
            \(af){subprocess.py:106} INFO - Killed
            \(af){subprocess.py:110} INFO - Command exited with return code 137
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "/opt/airflow/operators/bash.py", line 276, in execute
                raise AirflowException(
            airflow.exceptions.AirflowException: Bash command failed. The command returned a non-zero exit code 137.
            """
        let r = analyze(bash).rootCause
        #expect(r?.line == 3)
        #expect(r?.kind == "oom")
        let pod = """
            2024-05-01T10:00:00.000000000Z stdout F starting scorer
            2024-05-01T10:05:00.000000000Z stderr F Container scorer terminated: reason=OOMKilled exitCode=137
            """
        #expect(analyze(pod).rootCause?.line == 2)
        #expect(analyze(pod).rootCause?.kind == "oom")
        let java = """
            24/05/01 10:00:05 ERROR Executor: Exception in task 0.0 in stage 1.0 (TID 1)
            java.lang.OutOfMemoryError: Java heap space
            \tat java.base/java.util.Arrays.copyOf(Arrays.java:3512)
            """
        #expect(analyze(java).rootCause?.line == 2)
        #expect(analyze(java).rootCause?.kind == "oom")
        let minus9 = "\(af){local_task_job_runner.py:266} INFO - Task exited with return code -9\n"
        #expect(analyze(minus9).rootCause?.kind == "oom")
    }

    @Test func sigtermAfterExternalStateChange() {
        let log = """
            \(af){local_task_job_runner.py:123} INFO - ::group::Pre task execution logs
            \(af){local_task_job_runner.py:346} WARNING - State of this instance has been externally set to failed. Terminating instance.
            \(af){taskinstance.py:3094} ERROR - Received SIGTERM. Terminating subprocesses.
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "/opt/airflow/models/taskinstance.py", line 3096, in signal_handler
                raise AirflowTaskTerminated("Task received SIGTERM signal")
            airflow.exceptions.AirflowTaskTerminated: Task received SIGTERM signal
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 2)
        #expect(r?.kind == "sigterm")
    }

    @Test func zombie() {
        let log = """
            [2024-05-01T10:00:00.000+0000] {scheduler_job_runner.py:1785} ERROR - Detected zombie job: {'full_filepath': '/opt/airflow/dags/etl.py', 'msg': 'Detected <TaskInstance: etl.load scheduled__2024-05-01 [running]> as zombie', 'simple_task_instance': ...}
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 1)
        #expect(r?.kind == "zombie")
    }

    @Test func sensorTimeout() {
        let log = """
            \(af){s3.py:110} INFO - Poking for key : s3://landing/orders/dt=2024-05-01/_SUCCESS
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "/opt/airflow/sensors/base.py", line 289, in execute
                raise AirflowSensorTimeout(message)
            airflow.exceptions.AirflowSensorTimeout: Sensor has timed out; run duration of 3600.2 seconds exceeds the specified timeout of 3600.0.
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 6)
        #expect(r?.kind == "timeout")
    }

    @Test func bigQuery() {
        let log = """
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "/opt/airflow/providers/google/cloud/operators/bigquery.py", line 2900, in execute
                job = self._submit_job(hook, job_id)
            google.api_core.exceptions.NotFound: 404 Not found: Table analytics-prod:marts.fct_orders was not found in location EU; reason: notFound, message: Not found: Table analytics-prod:marts.fct_orders was not found in location EU
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 5)
        #expect(r?.kind == "warehouse_error")
    }

    @Test func snowflakeCompilationError() {
        let log = """
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "/opt/airflow/providers/snowflake/hooks/snowflake.py", line 400, in run
                cur.execute(sql_statement)
            snowflake.connector.errors.ProgrammingError: 002003 (42S02): 01b8a44e: SQL compilation error:
            Object 'FINANCE.REPORTING.FX_RATES' does not exist or not authorized.
            \(af){taskinstance.py:1226} INFO - Marking task as FAILED.
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 5)
        #expect(r?.kind == "warehouse_error")
        #expect(r?.summary.contains("does not exist or not authorized") == true)
    }

    @Test func psycopg2WithLineN() {
        let log = """
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "/opt/airflow/providers/common/sql/hooks/sql.py", line 456, in _run_command
                cur.execute(sql_statement)
            psycopg2.errors.UndefinedColumn: column "amount_cents" does not exist
            LINE 1: SELECT amount_cents / 100 FROM raw_payments
                           ^
            
            \(af){taskinstance.py:1226} INFO - Marking task as FAILED.
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 5)
        #expect(r?.kind == "warehouse_error")
        #expect(r?.chain.contains { $0.text.hasPrefix("LINE 1:") } == true)
        let psql = """
            psql:load.sql:3: ERROR:  relation "staging.orders" does not exist
            LINE 1: INSERT INTO staging.orders SELECT * FROM raw.orders
                                ^
            """
        #expect(analyze(psql).rootCause?.line == 1)
    }

    @Test func pythonChainDuringHandling() {
        let log = """
            Traceback (most recent call last):
              File "job.py", line 3, in load
                return json.loads(raw)
            json.decoder.JSONDecodeError: Expecting value: line 1 column 1 (char 0)

            During handling of the above exception, another exception occurred:

            Traceback (most recent call last):
              File "job.py", line 9, in main
                load()
            RuntimeError: could not load the config
            """
        let r = analyze(log).rootCause
        #expect(r?.line == 4)
        #expect(r?.chain.map(\.line) == [4, 11])
    }

    @Test func airflow3JsonErrorDetail() {
        let log = """
            {"timestamp":"2025-05-01T10:00:00.000000Z","level":"info","event":"Task started","logger":"airflow.task"}
            {"timestamp":"2025-05-01T10:00:01.000000Z","level":"error","event":"Task failed with exception","logger":"task","error_detail":[{"exc_type":"PaymentValidationError","exc_value":"payments extract failed validation","syntax_error":null,"is_cause":false,"frames":[{"filename":"/opt/airflow/dags/p.py","lineno":69,"name":"validate"}]},{"exc_type":"ValueError","exc_value":"could not convert string to float: '12.5O'","syntax_error":null,"is_cause":true,"frames":[{"filename":"/opt/airflow/dags/p.py","lineno":53,"name":"_parse_amount"}]}]}
            """
        let a = analyze(log)
        #expect(a.format == "airflow3-json")
        #expect(a.rootCause?.line == 2)
        #expect(a.rootCause?.text == "ValueError: could not convert string to float: '12.5O'")
        #expect(a.rootCause?.kind == "python_exception")
    }

    @Test func recoveredErrorIsNotTheRoot() {
        let log = """
            \(af){s3.py:80} ERROR - Connection reset by peer while reading s3://lake/raw/part-1; retrying (1/3)
            \(af){s3.py:95} INFO - read of s3://lake/raw/part-1 succeeded after 1 retry
            \(af){load.py:20} INFO - loaded 1000 rows
            \(af){taskinstance.py:3313} ERROR - Task failed with exception
            Traceback (most recent call last):
              File "load.py", line 30, in run
                raise KeyError('customer_id')
            KeyError: 'customer_id'
            """
        #expect(analyze(log).rootCause?.line == 8)
        let onlyRecovered = """
            \(af){s3.py:80} ERROR - Connection reset by peer while reading s3://lake/raw/part-1; retrying (1/3)
            \(af){s3.py:95} INFO - read of s3://lake/raw/part-1 succeeded after 1 retry
            \(af){local_task_job_runner.py:266} INFO - Task exited with return code 0
            """
        #expect(analyze(onlyRecovered).rootCause == nil)
    }

    @Test func lineageNoiseIsNeverTheRoot() {
        let log = """
            \(af){adapter.py:178} ERROR - Failed to emit OpenLineage `START` event of id `019a` with the following exception: `HTTPConnectionPool(host='datahub', port=8080)`
            \(af){local_task_job_runner.py:266} INFO - Task exited with return code 0
            """
        #expect(analyze(log).rootCause == nil)
    }

    @Test func kubernetesPodOutput() {
        let log = """
            2024-05-01T10:00:00.000000000Z stdout F INFO:scorer:loading model churn-v7
            2024-05-01T10:00:02.000000000Z stderr F Traceback (most recent call last):
            2024-05-01T10:00:02.000000000Z stderr F   File "/app/score.py", line 12, in <module>
            2024-05-01T10:00:02.000000000Z stderr F     model = load("s3://models/churn-v7")
            2024-05-01T10:00:02.000000000Z stderr F FileNotFoundError: [Errno 2] No such file or directory: 's3://models/churn-v7'
            """
        let a = analyze(log)
        #expect(a.format == "kubernetes")
        #expect(a.rootCause?.line == 5)
        #expect(a.rootCause?.kind == "python_exception")
    }

    @Test func airflowPrintsTheFailingTracebackTwice() {
        let tb = """
            Traceback (most recent call last):
              File "/opt/airflow/dags/x.py", line 3, in run
                raise ValueError("bad row 17")
            ValueError: bad row 17
            """
        let log = "\(af){taskinstance.py:3313} ERROR - Task failed with exception\n" + tb + "\n"
            + "\(af){standard_task_runner.py:124} ERROR - Failed to execute job 9 for task x (bad row 17; 8535)\n" + tb + "\n"
        let r = analyze(log).rootCause
        #expect(r?.line == 5)
        #expect(r?.chain.count == 1)
    }
}
