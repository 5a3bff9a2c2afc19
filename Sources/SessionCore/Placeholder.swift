// SessionCore
