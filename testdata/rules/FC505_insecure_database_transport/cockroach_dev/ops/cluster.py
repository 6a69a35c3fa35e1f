import subprocess

COCKROACH_URL = "cockroachdb://root@crdb.internal:26257/ops?sslmode=disable"  # expect: FC505


def start_node(store):
    subprocess.run(
        ["cockroach", "start-single-node", "--insecure", f"--store={store}"],  # expect: FC505
        check=True,
    )


def sql_shell():
    subprocess.run("cockroach sql --insecure --host=crdb.internal", shell=True, check=True)  # expect: FC505


def curl_health():
    # ok: curl's --insecure, not a database
    subprocess.run(["curl", "--insecure", "https://crdb.internal:8080/health"], check=True)
