print("session-broker")
