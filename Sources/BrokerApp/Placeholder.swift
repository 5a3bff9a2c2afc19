// BrokerApp
