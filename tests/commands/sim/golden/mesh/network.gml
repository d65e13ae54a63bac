graph [
  directed 0
  node [
    id 0
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "130560 Kbit"
  ]
  node [
    id 1
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "192475 Kbit"
  ]
  node [
    id 2
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "177355 Kbit"
  ]
  node [
    id 3
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "61151 Kbit"
  ]
  node [
    id 4
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "24302 Kbit"
  ]
  edge [
    source 0
    target 1
    latency "61290 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 2
    latency "49500 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 3
    latency "51386 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 4
    latency "49658 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 2
    latency "56079 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 3
    latency "53176 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 4
    latency "36352 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 3
    latency "71397 us"
    packet_loss 0.0
  ]
  edge [
    source 2
    target 4
    latency "76559 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 4
    latency "49698 us"
    packet_loss 0.0
  ]
]
