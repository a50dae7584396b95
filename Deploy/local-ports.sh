# shellcheck shell=bash
# free_port_base: a port base whose 400 ports above it are all free, between 20000 and
# 30000 (below the kernel's ephemeral range), as Deploy/local-cluster uses them.
free_port_base() {
    local candidate
    for _ in $(seq 1 50); do
        candidate=$((20000 + (RANDOM % 20) * 500))
        if ! ss -Htln "sport >= $candidate and sport <= $((candidate + 400))" | grep -q .; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}
