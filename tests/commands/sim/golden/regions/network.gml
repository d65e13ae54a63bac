graph [
  directed 0
  node [
    id 0
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 1
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 2
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "63045 Kbit"
  ]
  node [
    id 3
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 4
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 5
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 6
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 7
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "56553 Kbit"
  ]
  node [
    id 8
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 9
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 10
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 11
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 12
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "78990 Kbit"
  ]
  node [
    id 13
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 14
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 15
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 16
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 17
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "23548 Kbit"
  ]
  node [
    id 18
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 19
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 20
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 21
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 22
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "53274 Kbit"
  ]
  node [
    id 23
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 24
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 25
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 26
    host_bandwidth_up "100 Mbit"
    host_bandwidth_down "100 Mbit"
  ]
  node [
    id 27
    host_bandwidth_up "10 Mbit"
    host_bandwidth_down "52587 Kbit"
  ]
  node [
    id 28
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  node [
    id 29
    host_bandwidth_up "200 Mbit"
    host_bandwidth_down "200 Mbit"
  ]
  edge [
    source 0
    target 20
    latency "19335 us"
    packet_loss 0.0
  ]
  edge [
    source 15
    target 29
    latency "22001 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 18
    latency "12344 us"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 13
    latency "14174 us"
    packet_loss 0.0
  ]
  edge [
    source 15
    target 25
    latency "14595 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 23
    latency "28219 us"
    packet_loss 0.0
  ]
  edge [
    source 20
    target 29
    latency "22205 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 20
    latency "29539 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 25
    latency "21256 us"
    packet_loss 0.0
  ]
  edge [
    source 10
    target 18
    latency "24812 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 10
    latency "21492 us"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 23
    latency "29331 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 23
    latency "21413 us"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 10
    latency "29598 us"
    packet_loss 0.0
  ]
  edge [
    source 3
    target 28
    latency "19846 us"
    packet_loss 0.0
  ]
  edge [
    source 20
    target 25
    latency "22011 us"
    packet_loss 0.0
  ]
  edge [
    source 18
    target 25
    latency "15222 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 8
    latency "15092 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 15
    latency "15933 us"
    packet_loss 0.0
  ]
  edge [
    source 23
    target 28
    latency "20043 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 29
    latency "28435 us"
    packet_loss 0.0
  ]
  edge [
    source 8
    target 28
    latency "14807 us"
    packet_loss 0.0
  ]
  edge [
    source 18
    target 29
    latency "27512 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 28
    latency "21784 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 15
    latency "29107 us"
    packet_loss 0.0
  ]
  edge [
    source 0
    target 3
    latency "27101 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 14
    latency "18260 us"
    packet_loss 0.0
  ]
  edge [
    source 16
    target 26
    latency "35667 us"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 21
    latency "35078 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 24
    latency "19716 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 24
    latency "30285 us"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 26
    latency "15260 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 21
    latency "18960 us"
    packet_loss 0.0
  ]
  edge [
    source 24
    target 26
    latency "15296 us"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 21
    latency "39607 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 16
    latency "27065 us"
    packet_loss 0.0
  ]
  edge [
    source 16
    target 24
    latency "35181 us"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 14
    latency "29425 us"
    packet_loss 0.0
  ]
  edge [
    source 4
    target 9
    latency "26892 us"
    packet_loss 0.0
  ]
  edge [
    source 14
    target 16
    latency "36841 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 19
    latency "27098 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 21
    latency "23586 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 4
    latency "18815 us"
    packet_loss 0.0
  ]
  edge [
    source 9
    target 19
    latency "24812 us"
    packet_loss 0.0
  ]
  edge [
    source 1
    target 9
    latency "23865 us"
    packet_loss 0.0
  ]
  edge [
    source 14
    target 19
    latency "22245 us"
    packet_loss 0.0
  ]
  edge [
    source 11
    target 19
    latency "23387 us"
    packet_loss 0.0
  ]
  edge [
    source 6
    target 26
    latency "19587 us"
    packet_loss 0.0
  ]
  edge [
    source 7
    target 12
    latency "68762 us"
    packet_loss 0.01
  ]
  edge [
    source 12
    target 27
    latency "54435 us"
    packet_loss 0.01
  ]
  edge [
    source 2
    target 22
    latency "55170 us"
    packet_loss 0.01
  ]
  edge [
    source 17
    target 27
    latency "83272 us"
    packet_loss 0.01
  ]
  edge [
    source 7
    target 17
    latency "71048 us"
    packet_loss 0.01
  ]
  edge [
    source 2
    target 27
    latency "67698 us"
    packet_loss 0.01
  ]
  edge [
    source 12
    target 22
    latency "67206 us"
    packet_loss 0.01
  ]
  edge [
    source 17
    target 22
    latency "58844 us"
    packet_loss 0.01
  ]
  edge [
    source 2
    target 7
    latency "60677 us"
    packet_loss 0.01
  ]
  edge [
    source 13
    target 16
    latency "45444 us"
    packet_loss 0.0
  ]
  edge [
    source 5
    target 19
    latency "54382 us"
    packet_loss 0.0
  ]
  edge [
    source 16
    target 29
    latency "59836 us"
    packet_loss 0.0
  ]
  edge [
    source 13
    target 27
    latency "70527 us"
    packet_loss 0.010000000000000009
  ]
  edge [
    source 15
    target 27
    latency "70476 us"
    packet_loss 0.010000000000000009
  ]
  edge [
    source 22
    target 25
    latency "79371 us"
    packet_loss 0.010000000000000009
  ]
  edge [
    source 2
    target 21
    latency "93318 us"
    packet_loss 0.010000000000000009
  ]
  edge [
    source 22
    target 24
    latency "76015 us"
    packet_loss 0.010000000000000009
  ]
  edge [
    source 14
    target 22
    latency "89136 us"
    packet_loss 0.010000000000000009
  ]
]
