use super::*;

#[test]
fn a_value_opens_only_in_the_field_it_was_sealed_for() {
    let key = cipher(&[7; 32]);
    let here = Field::new("concern", "body_sealed", 1);
    let sealed = Encrypted::seal(&key, 3, &here, &"a private worry".to_string());
    assert_eq!(sealed.data_key_id(), Some(3));
    assert_eq!(
        sealed.open_with(&key, &here).as_deref(),
        Some("a private worry")
    );
    assert!(
        sealed
            .open_with(&key, &Field::new("concern", "body_sealed", 2))
            .is_none()
    );
    assert!(
        sealed
            .open_with(&key, &Field::new("follow_up", "body_sealed", 1))
            .is_none()
    );
    assert!(sealed.open_with(&cipher(&[8; 32]), &here).is_none());
    assert!(
        !sealed.as_bytes().windows(7).any(|w| w == b"private"),
        "no plain text in the sealed bytes"
    );
}

#[test]
fn a_data_key_unwraps_only_for_its_own_scope_and_after_rotation() {
    let mut keys = MasterKeys::from_secret(1, [1; 32]);
    let wrapped = keys.wrap_key("production/1", &[9; 32]);
    assert_eq!(keys.unwrap_raw("production/1", &wrapped), Some([9; 32]));
    assert_eq!(keys.unwrap_raw("production/2", &wrapped), None);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("master.key");
    keys.add_version(&path).unwrap();
    assert_eq!(keys.current_version(), 2);
    assert_eq!(keys.unwrap_raw("production/1", &wrapped), Some([9; 32]));
    let rewrapped = keys.wrap_key("production/1", &[9; 32]);
    keys.retire_old(&path).unwrap();
    assert_eq!(keys.unwrap_raw("production/1", &wrapped), None);
    assert_eq!(keys.unwrap_raw("production/1", &rewrapped), Some([9; 32]));
    let again = MasterKeys::load_or_create(&path).unwrap();
    assert_eq!(again.versions(), vec![2]);
}

#[test]
fn the_master_key_file_is_created_private_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("closedset-vault.key");
    let made = MasterKeys::load_or_create(&path).unwrap();
    let read = MasterKeys::load_or_create(&path).unwrap();
    let wrapped = made.wrap_key("user/1", &[4; 32]);
    assert_eq!(read.unwrap_raw("user/1", &wrapped), Some([4; 32]));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "the key file is private to its owner");
    }
}
