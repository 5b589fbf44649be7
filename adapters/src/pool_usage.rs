//! How a store's connections are used right now, for the pool gauges on `/metrics`.

/// Connections of a store's pools, added up over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PoolUsage {
    /// Open connections, in use or idle.
    pub open: u32,
    pub idle: u32,
    /// The most the pools may open.
    pub max: u32,
}

impl PoolUsage {
    pub fn of<DB: sqlx::Database>(pool: &sqlx::Pool<DB>) -> Self {
        let idle = u32::try_from(pool.num_idle()).unwrap_or(u32::MAX);
        Self {
            open: pool.size(),
            idle,
            max: pool.options().get_max_connections(),
        }
    }

    pub fn in_use(self) -> u32 {
        self.open.saturating_sub(self.idle)
    }
}

impl std::ops::Add for PoolUsage {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self {
            open: self.open + other.open,
            idle: self.idle + other.idle,
            max: self.max + other.max,
        }
    }
}
