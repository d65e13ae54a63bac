graph [
  directed 0
  node [
    id 0
    region "eu"
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 1
    region "na"
    host_bandwidth_up "50 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 2
    region "asia"
    host_bandwidth_up "20 Mbit"
    host_bandwidth_down "50 Mbit"
  ]
  edge [
    source 0
    target 0
    latency "2 ms"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 1
    latency "2 ms"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 2
    latency "3 ms"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 1
    latency "40 ms"
    packet_loss 0.001
  ]
  edge [
    source 1
    target 2
    latency "70 ms"
    packet_loss 0.002
  ]
]
