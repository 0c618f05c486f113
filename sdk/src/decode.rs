//! Decoders for dlex accounts: the 8-byte Anchor discriminator is checked, then the body is
//! read with the program's own types.

use anchor_lang::{AccountDeserialize, Discriminator};
use dlex::state::{Config, Pair, Position, SaturationTree, Tranche};

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The data is shorter than the account type or carries another type's discriminator.
    WrongAccountType,
}

fn zero_copy<T: bytemuck::Pod + Discriminator>(data: &[u8]) -> Result<T, DecodeError> {
    let size = core::mem::size_of::<T>();
    if data.len() < 8 + size || &data[..8] != T::DISCRIMINATOR {
        return Err(DecodeError::WrongAccountType);
    }
    // Account data is not guaranteed to be aligned for T: copy out.
    Ok(bytemuck::pod_read_unaligned(&data[8..8 + size]))
}

pub fn pair(data: &[u8]) -> Result<Pair, DecodeError> {
    zero_copy::<Pair>(data)
}

pub fn position(data: &[u8]) -> Result<Position, DecodeError> {
    zero_copy::<Position>(data)
}

pub fn config(data: &[u8]) -> Result<Config, DecodeError> {
    let mut slice = data;
    Config::try_deserialize(&mut slice).map_err(|_| DecodeError::WrongAccountType)
}

pub fn tranche(data: &[u8]) -> Result<Tranche, DecodeError> {
    zero_copy::<Tranche>(data)
}

/// A saturation index account, boxed (8.8 KB).
pub fn saturation_tree(data: &[u8]) -> Result<Box<SaturationTree>, DecodeError> {
    let size = core::mem::size_of::<SaturationTree>();
    if data.len() < 8 + size || &data[..8] != SaturationTree::DISCRIMINATOR {
        return Err(DecodeError::WrongAccountType);
    }
    let mut tree: Box<SaturationTree> = Box::new(bytemuck::Zeroable::zeroed());
    bytemuck::bytes_of_mut(&mut *tree).copy_from_slice(&data[8..8 + size]);
    Ok(tree)
}
