//! The ledger as an RFC 6962 Merkle tree: each entry's canonical content is a leaf, in `seq`
//! order, hashed as SHA-256(0x00 ‖ leaf) with interior nodes SHA-256(0x01 ‖ left ‖ right).
//!
//! Proofs, and their verification, come from `ct-merkle`. Its in-memory tree recomputes the
//! path to the root on every push, which is right for proving one entry but costs log₂ n hashes
//! per entry; `Frontier` computes the same roots (RFC 6962 §2.1's MTH) in one pass with a stack
//! of perfect subtrees, which is what verifying a million entries needs. The tests hold the two
//! to the same roots.

use ct_merkle::mem_backed_tree::MemoryBackedTree;
use ct_merkle::{ConsistencyProof, InclusionProof, RootHash};
use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// The leaf hash of one entry's canonical content.
pub fn leaf_hash(leaf: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(leaf);
    h.finalize().into()
}

/// The hash of an interior node.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The root of the empty tree: SHA-256 of nothing.
pub fn empty_root() -> Hash {
    Sha256::digest(b"").into()
}

/// The right edge of a tree being built leaf by leaf: the roots of its perfect subtrees, largest
/// first. Appending costs one hash per completed subtree (two on average); the root of the tree
/// so far, at any size, costs one hash per subtree (at most log₂ n).
#[derive(Clone, Debug, Default)]
pub struct Frontier {
    size: u64,
    subtrees: Vec<Hash>,
}

impl Frontier {
    pub fn new() -> Self {
        Frontier::default()
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// A frontier saved earlier: `subtrees` must hold one root per set bit of `size`.
    pub fn resume(size: u64, subtrees: Vec<Hash>) -> Option<Frontier> {
        (subtrees.len() == size.count_ones() as usize).then_some(Frontier { size, subtrees })
    }

    /// The roots of the perfect subtrees, largest first.
    pub fn subtrees(&self) -> &[Hash] {
        &self.subtrees
    }

    /// Appends a leaf, given its leaf hash.
    pub fn push(&mut self, leaf: Hash) {
        let mut carry = leaf;
        // Each trailing 1 bit of the old size is a perfect subtree the new leaf completes.
        let mut size = self.size;
        while size & 1 == 1 {
            let left = self.subtrees.pop().expect("one subtree per set bit");
            carry = node_hash(&left, &carry);
            size >>= 1;
        }
        self.subtrees.push(carry);
        self.size += 1;
    }

    /// The Merkle Tree Hash of the leaves so far.
    pub fn root(&self) -> Hash {
        let mut subtrees = self.subtrees.iter().rev();
        let Some(last) = subtrees.next() else {
            return empty_root();
        };
        subtrees.fold(*last, |right, left| node_hash(left, &right))
    }
}

/// The tree of one production's entries, for proving: leaves are the entries' canonical
/// contents in order.
pub struct ProvingTree {
    tree: MemoryBackedTree<Sha256, Vec<u8>>,
}

impl ProvingTree {
    pub fn new(leaves: impl IntoIterator<Item = Vec<u8>>) -> Self {
        let mut tree = MemoryBackedTree::new();
        for leaf in leaves {
            tree.push(leaf);
        }
        ProvingTree { tree }
    }

    pub fn size(&self) -> u64 {
        self.tree.len()
    }

    pub fn root(&self) -> Hash {
        (*self.tree.root().as_bytes()).into()
    }

    /// The audit path of leaf `index` (from 0) in this tree, nearest sibling first.
    pub fn inclusion(&self, index: u64) -> Vec<Hash> {
        split(self.tree.prove_inclusion(index as usize).as_bytes())
    }

    /// The proof that the tree of the first `old_size` leaves is a prefix of this one.
    pub fn consistency(&self, old_size: u64) -> Vec<Hash> {
        let additions = (self.size() - old_size) as usize;
        split(self.tree.prove_consistency(additions).as_bytes())
    }
}

fn split(bytes: &[u8]) -> Vec<Hash> {
    bytes
        .chunks_exact(32)
        .map(|c| c.try_into().expect("32-byte chunks"))
        .collect()
}

/// Checks that `leaf` is at `index` in the tree of `size` leaves whose root is `root`.
pub fn verify_inclusion(leaf: &[u8], index: u64, size: u64, root: &Hash, path: &[Hash]) -> bool {
    let root = RootHash::<Sha256>::new((*root).into(), size);
    let proof = InclusionProof::<Sha256>::from_digests(path.iter().map(|h| h.into()));
    root.verify_inclusion(&leaf, index, &proof).is_ok()
}

/// Checks that the tree (`old_size`, `old_root`) is a prefix of the tree (`size`, `root`).
pub fn verify_consistency(
    old_size: u64,
    old_root: &Hash,
    size: u64,
    root: &Hash,
    proof: &[Hash],
) -> bool {
    if old_size == size {
        return old_root == root && proof.is_empty();
    }
    let old = RootHash::<Sha256>::new((*old_root).into(), old_size);
    let new = RootHash::<Sha256>::new((*root).into(), size);
    let proof = ConsistencyProof::<Sha256>::from_digests(proof.iter().map(|h| h.into()));
    new.verify_consistency(&old, &proof).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaves(n: usize) -> Vec<Vec<u8>> {
        (0..n).map(|i| format!("entry {i}").into_bytes()).collect()
    }

    #[test]
    fn the_frontier_and_the_proving_tree_agree_on_every_root() {
        let all = leaves(70);
        let mut frontier = Frontier::new();
        assert_eq!(frontier.root(), ProvingTree::new(vec![]).root());
        for n in 1..=all.len() {
            frontier.push(leaf_hash(&all[n - 1]));
            let tree = ProvingTree::new(all[..n].to_vec());
            assert_eq!(frontier.root(), tree.root(), "size {n}");
            assert_eq!(frontier.size(), n as u64);
            let resumed = Frontier::resume(n as u64, frontier.subtrees().to_vec()).unwrap();
            assert_eq!(resumed.root(), frontier.root());
        }
        assert!(Frontier::resume(3, vec![[0; 32]]).is_none());
    }

    #[test]
    fn roots_match_the_rfc_6962_test_vectors() {
        // From the Certificate Transparency reference implementation's merkle tree tests: the
        // eight leaves "", 00, 10, 2021, 3031, 40414243, 5051525354555657, 606162…6f.
        let data: [&str; 8] = [
            "",
            "00",
            "10",
            "2021",
            "3031",
            "40414243",
            "5051525354555657",
            "606162636465666768696a6b6c6d6e6f",
        ];
        let roots = [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
        ];
        let mut frontier = Frontier::new();
        for (leaf, root) in data.iter().zip(roots) {
            frontier.push(leaf_hash(&hex::decode(leaf).unwrap()));
            assert_eq!(hex::encode(frontier.root()), root);
        }
        assert_eq!(
            hex::encode(empty_root()),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn proofs_verify_and_a_wrong_leaf_or_root_does_not() {
        let all = leaves(13);
        let tree = ProvingTree::new(all.clone());
        let root = tree.root();
        for (i, leaf) in all.iter().enumerate() {
            let path = tree.inclusion(i as u64);
            assert!(verify_inclusion(leaf, i as u64, 13, &root, &path));
            assert!(!verify_inclusion(b"forged", i as u64, 13, &root, &path));
        }
        let old = ProvingTree::new(all[..5].to_vec());
        let proof = tree.consistency(5);
        assert!(verify_consistency(5, &old.root(), 13, &root, &proof));
        let rewritten = ProvingTree::new(leaves(5).into_iter().rev().collect::<Vec<_>>());
        assert!(!verify_consistency(5, &rewritten.root(), 13, &root, &proof));
        assert!(verify_consistency(13, &root, 13, &root, &[]));
    }
}
