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
  edge [
    source 0
    target 2
    latency "20 ms"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 10
    latency "20 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 6
    latency "20 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 10
    latency "20 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 6
    latency "20 ms"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 8
    latency "20 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 7
    latency "25 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 11
    latency "25 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 11
    latency "25 ms"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 9
    latency "25 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 9
    latency "25 ms"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 7
    latency "25 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 11
    latency "80 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 9
    latency "80 ms"
    packet_loss 0.0
  ]
]
