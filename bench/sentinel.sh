# A Redis Sentinel group on loopback for the bench scripts (sourced, not run): a master, two replicas and three
# sentinels, redis-server processes sharing one password, Sentinel's timings short (a master silent for 1 s is
# down). Expects $work, $redis_server (lib.sh's redis_server_binary) and redis-cli; background jobs of the caller,
# so that its EXIT trap stops them.
#
# start_sentinel_group MASTER_PORT: the master on MASTER_PORT, replicas on the next two ports, sentinels on
# MASTER_PORT+20000 and the next two; returns once every sentinel knows both replicas and both other sentinels.
# Sets $group_password, $group_master_port, $master_pid, $sentinel_endpoints (a JSON list of the sentinels' URIs).

group_password=$(head -c 18 /dev/urandom | od -An -tx1 | tr -d ' \n')

# the password through the environment, not on a command line that ps shows
group_cli() { REDISCLI_AUTH="$group_password" redis-cli "$@"; }

start_group_server() { # NAME PORT [redis.conf lines...]
  local name=$1 port=$2; shift 2
  mkdir -p "$work/$name"
  {
    echo "bind 127.0.0.1"; echo "port $port"; echo "requirepass $group_password"
    echo "masterauth $group_password"; echo "dir $work/$name"; echo "save \"\""; echo "appendonly no"
    printf '%s\n' "$@"
  } > "$work/$name/redis.conf"
}

start_sentinel_group() {
  local master_port=$1 i port
  group_master_port=$master_port
  start_group_server master "$master_port"
  "$redis_server" "$work/master/redis.conf" > "$work/master/log" 2>&1 &
  master_pid=$!
  for i in 1 2; do
    start_group_server "replica$i" $((master_port + i)) "replicaof 127.0.0.1 $master_port"
    "$redis_server" "$work/replica$i/redis.conf" > "$work/replica$i/log" 2>&1 &
  done
  # the sentinels start once the replicas are attached: the master's first INFO then names them both
  until group_cli -p "$master_port" INFO replication 2>/dev/null | grep -q '^connected_slaves:2'; do sleep 0.1; done
  sentinel_endpoints=""
  for i in 0 1 2; do
    port=$((master_port + 20000 + i))
    start_group_server "sentinel$i" "$port" \
      "sentinel monitor mymaster 127.0.0.1 $master_port 2" "sentinel auth-pass mymaster $group_password" \
      "sentinel sentinel-pass $group_password" "sentinel down-after-milliseconds mymaster 1000" \
      "sentinel failover-timeout mymaster 5000" "sentinel parallel-syncs mymaster 2"
    "$redis_server" "$work/sentinel$i/redis.conf" --sentinel > "$work/sentinel$i/log" 2>&1 &
    sentinel_endpoints="$sentinel_endpoints${sentinel_endpoints:+,}\"redis://:$group_password@127.0.0.1:$port\""
  done
  sentinel_endpoints="[$sentinel_endpoints]"
  for i in 0 1 2; do
    port=$((master_port + 20000 + i))
    until group_cli -p "$port" SENTINEL MASTER mymaster 2>/dev/null | tr '\n' ' ' \
      | grep -q 'num-slaves 2 .*num-other-sentinels 2 '; do sleep 0.2; done
  done
}

# sentinel_node_settings NAME PORT REPLICAS: a node's settings on the group, with durability.replicas REPLICAS
sentinel_node_settings() {
  cat <<JSON
{"name":"$1","redis_uri":"redis://:$group_password@127.0.0.1:$((group_master_port + 20000))","version":"0.1.0",
 "perms":{"open_metadata":true,"open_interactions":true},"addr":"127.0.0.1:$2","nodes":[],"key_prefix":"$1:",
 "redis":{"type":"sentinel","master_name":"mymaster","endpoints":$sentinel_endpoints},
 "durability":{"replicas":$3}}
JSON
}
