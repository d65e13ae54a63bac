graph [
  directed 0
  node [
    id 0
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 1
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 2
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 3
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 4
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 5
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 6
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 7
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 8
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 9
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 10
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 11
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 12
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 13
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 14
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 15
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 16
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 17
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 18
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 19
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 20
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 21
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 22
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 23
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 24
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 25
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 26
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 27
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 28
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 29
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  edge [
    source 0
    target 1
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 2
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 2
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 3
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 3
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 4
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 4
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 5
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 5
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 6
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 6
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 7
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 7
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 8
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 9
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 9
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 10
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 10
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 11
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 12
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 12
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 13
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 13
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 14
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 14
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 15
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 15
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 16
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 16
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 17
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 17
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 18
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 15
    target 18
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 19
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 19
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 20
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 20
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 12
    target 21
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 16
    target 21
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 22
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 22
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 23
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 21
    target 23
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 24
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 24
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 25
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 25
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 26
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 26
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 27
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 22
    target 27
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 28
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 28
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 29
    latency "50 ms"
    packet_loss 0.0
  ]
  edge [
    source 12
    target 29
    latency "50 ms"
    packet_loss 0.0
  ]
]
